/**
 * `GET /metrics` on the real server (SQLite, Bolt, Slack's Web API client against the fake Slack): what
 * each request, alert, Slack call and fix does to the counters; METRICS_TOKEN and METRICS_PORT; the
 * request id in answers, problem bodies and log lines; and `promtool check metrics` on a real scrape
 * (skipped locally without Debian's prometheus package, failing under CI).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC_DEFINITIONS } from '../../src/core/metrics.js';
import type { Logger } from '../../src/core/ports.js';
import { ALERT_CHANNEL, startTestApp, TEAM_ID, type TestApp, webhookFixture } from '../helpers/app-harness.js';
import { sampleValue } from '../helpers/exposition.js';
import { findBinary, inCI, PROMETHEUS_INSTALL_HINT, runTool } from '../helpers/prometheus.js';

interface LogLine {
  level: string;
  fields: Record<string, unknown>;
  message: string;
}

function recordingLogger(lines: LogLine[]): Logger {
  const at =
    (level: string) =>
    (fields: object, message: string): void => {
      lines.push({ level, fields: fields as Record<string, unknown>, message });
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const genericAlert = (id: string) => ({
  id,
  title: 'Checkout API throttled',
  message: 'POST /v1/charges returned 429 Too Many Requests; Retry-After: 30',
  status_code: 429,
  service: 'checkout-api',
  status: 'firing',
});

async function scrape(url: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${url}/metrics`, { headers });
  expect(res.status).toBe(200);
  return res.text();
}

describe('GET /metrics on the running server', () => {
  let app: TestApp;
  const logs: LogLine[] = [];

  beforeAll(async () => {
    app = await startTestApp({
      start: { logger: recordingLogger(logs), storm: { threshold: 1000, windowMs: 60_000 } },
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers the Prometheus text format with every metric declared, build info and the knowledge base size', async () => {
    const res = await fetch(`${app.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    for (const definition of Object.values(METRIC_DEFINITIONS)) {
      expect(text).toContain(`# TYPE ${definition.name} ${definition.type}`);
    }
    expect(text).toMatch(/^apierr_build_info\{version="0\.1\.0",runtime="node v\d+\.\d+\.\d+"\} 1$/m);
    expect(sampleValue(text, 'apierr_knowledge_entries')).toBe(app.server.services.entries.size);
    // Series for every source exist from the start, at 0.
    expect(text).toContain('apierr_alerts_received_total{source="alertmanager"} 0');
    expect(text).toContain('process_cpu_seconds_total');
  });

  it('counts webhook requests by source and outcome, and an unknown source as "other", never by its name', async () => {
    const fixture = webhookFixture('alertmanager-firing.json');
    expect((await app.webhook('alertmanager', fixture)).status).toBe(202);
    expect((await app.webhook('alertmanager', fixture)).status).toBe(200);
    expect((await app.webhook('grafana', '{}', { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await app.webhook('generic', '{"id":', {})).status).toBe(400);
    expect((await app.webhook('generic', 'x', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await app.webhook('generic', { nothing: 'here' })).status).toBe(422);
    expect((await app.webhook('evil-source-4711', {})).status).toBe(404);
    await app.settle();

    const text = await scrape(app.url);
    const requests = (labels: Record<string, string>) => sampleValue(text, 'apierr_webhook_requests_total', labels);
    expect(requests({ source: 'alertmanager', outcome: 'accepted', code: '202' })).toBe(1);
    expect(requests({ source: 'alertmanager', outcome: 'duplicate', code: '200' })).toBe(1);
    expect(requests({ source: 'grafana', outcome: 'unauthorized', code: '401' })).toBe(1);
    expect(requests({ source: 'generic', outcome: 'invalid_json', code: '400' })).toBe(1);
    expect(requests({ source: 'generic', outcome: 'unsupported_media_type', code: '415' })).toBe(1);
    expect(requests({ source: 'generic', outcome: 'invalid_payload', code: '422' })).toBe(1);
    expect(requests({ source: 'other', outcome: 'unknown_source', code: '404' })).toBe(1);
    expect(text).not.toContain('evil-source-4711');

    // Both deliveries of the two-alert notification were parsed; only the first was new.
    expect(sampleValue(text, 'apierr_alerts_received_total', { source: 'alertmanager' })).toBe(4);
    expect(sampleValue(text, 'apierr_alerts_matched_total')).toBe(2);
    expect(sampleValue(text, 'apierr_slack_calls_total', { method: 'chat.postMessage', outcome: 'ok' })).toBe(4);
    expect(sampleValue(text, 'apierr_slack_call_duration_seconds_count', { method: 'chat.postMessage' })).toBe(4);
    expect(sampleValue(text, 'apierr_outbox_pending_deliveries')).toBe(0);
    expect(sampleValue(text, 'apierr_outbox_oldest_pending_age_seconds')).toBe(0);
  });

  it('reads the outbox backlog from the store at scrape time', async () => {
    // Hold the outbox: the first post waits on the fake Slack long enough to scrape a pending delivery.
    app.slack.failNext('chat.postMessage', { kind: 'hang', ms: 1500, after: 'answer' });
    expect((await app.webhook('generic', genericAlert('backlog-1'))).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const during = await scrape(app.url);
    expect(sampleValue(during, 'apierr_outbox_pending_deliveries')).toBe(1);
    expect(sampleValue(during, 'apierr_outbox_oldest_pending_age_seconds')).toBeGreaterThan(0.1);
    await app.settle();
    expect(sampleValue(await scrape(app.url), 'apierr_outbox_pending_deliveries')).toBe(0);
  });

  it('counts a Slack 429 as rate_limited and observes the Retry-After Slack asked for', async () => {
    const before = await scrape(app.url);
    app.slack.failNext('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 1 });
    expect((await app.webhook('generic', genericAlert('rate-limited-1'))).status).toBe(202);
    await app.settle();
    const after = await scrape(app.url);
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(delta('apierr_slack_calls_total', { method: 'chat.postMessage', outcome: 'rate_limited' })).toBe(1);
    expect(delta('apierr_slack_retry_after_seconds_count')).toBe(1);
    expect(delta('apierr_slack_retry_after_seconds_sum')).toBe(1);
  });

  it('counts a permanent Slack error and the delivery that failed for good', async () => {
    const before = await scrape(app.url);
    app.slack.failNext('chat.postMessage', { kind: 'error', error: 'channel_not_found' });
    expect((await app.webhook('generic', genericAlert('failed-1'))).status).toBe(202);
    await app.settle();
    const after = await scrape(app.url);
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(delta('apierr_slack_calls_total', { method: 'chat.postMessage', outcome: 'permanent' })).toBe(1);
    expect(delta('apierr_deliveries_failed_total')).toBe(1);
  });

  it('counts slash commands by kind, fixes recorded by entry and corrections', async () => {
    await app.slash('429');
    await app.slash('help');
    expect((await app.webhook('generic', genericAlert('fix-1'))).status).toBe(202);
    await app.settle();
    const parent = app.slack.messages(ALERT_CHANNEL).findLast((m) => !m.thread_ts);
    const explanation = parent && app.slack.thread(ALERT_CHANNEL, parent.ts)[0];
    if (!explanation) throw new Error('no explanation posted');
    const reaction = (type: string, id: string) =>
      app.event(
        {
          type,
          user: 'U04ONCALL9Z',
          reaction: 'one',
          item: { type: 'message', channel: ALERT_CHANNEL, ts: explanation.ts },
        },
        { team_id: TEAM_ID, event_id: id },
      );
    expect((await reaction('reaction_added', 'Ev0METRICS01')).status).toBe(200);
    expect((await reaction('reaction_removed', 'Ev0METRICS02')).status).toBe(200);

    const text = await scrape(app.url);
    expect(sampleValue(text, 'apierr_slash_commands_total', { kind: 'explain' })).toBe(1);
    expect(sampleValue(text, 'apierr_slash_commands_total', { kind: 'help' })).toBe(1);
    expect(sampleValue(text, 'apierr_fixes_recorded_total', { entry: 'http-429' })).toBe(1);
    expect(sampleValue(text, 'apierr_fix_corrections_total')).toBe(1);
  });

  it('puts one request id in the X-Request-Id header, the problem body and the request log line', async () => {
    logs.length = 0;
    const res = await app.webhook('generic', '{}', { authorization: 'Bearer not-the-token' });
    expect(res.status).toBe(401);
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await res.json()) as { requestId?: string }).requestId).toBe(id);
    const line = logs.find((l) => l.message === 'webhook request');
    expect(line?.level).toBe('info');
    expect(line?.fields).toMatchObject({ requestId: id, source: 'generic', status: 401, outcome: 'unauthorized' });
    // Nothing from the request itself: no token, no body.
    expect(JSON.stringify(line)).not.toContain('not-the-token');
    expect(Object.keys(line?.fields ?? {}).sort()).toEqual(['ms', 'outcome', 'requestId', 'source', 'status']);
  });

  it("keeps a sender's own X-Request-Id, and replaces one that is not a plain token", async () => {
    const kept = await app.webhook('generic', genericAlert('request-id-1'), { 'x-request-id': 'am-0123-abcd' });
    expect(kept.status).toBe(202);
    expect(kept.headers.get('x-request-id')).toBe('am-0123-abcd');
    const replaced = await app.webhook('generic', genericAlert('request-id-2'), { 'x-request-id': 'a b<script>' });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await app.settle();
  });

  it('logs one info line per Slack call with its method, outcome and milliseconds, and no message text', async () => {
    logs.length = 0;
    expect((await app.webhook('generic', genericAlert('slack-log-1'))).status).toBe(202);
    await app.settle();
    const calls = logs.filter((l) => l.message === 'Slack call');
    expect(calls.length).toBeGreaterThanOrEqual(2);
    for (const call of calls) {
      expect(call.level).toBe('info');
      expect(call.fields).toMatchObject({ method: 'chat.postMessage', outcome: 'ok' });
      expect(typeof call.fields.ms).toBe('number');
      expect(JSON.stringify(call)).not.toContain('Checkout API throttled');
    }
  });

  const promtool = findBinary('promtool');
  if (!promtool && !inCI) console.warn(`[metrics e2e] promtool check SKIPPED: ${PROMETHEUS_INSTALL_HINT}`);
  it.skipIf(!promtool && !inCI)('passes `promtool check metrics` on a scrape of the running server', async () => {
    if (!promtool) throw new Error(PROMETHEUS_INSTALL_HINT);
    const result = await runTool(promtool, ['check', 'metrics'], { input: await scrape(app.url) });
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.code).toBe(0);
  });
});

describe('METRICS_TOKEN', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { METRICS_TOKEN: 'scrape-secret' } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('refuses a scrape without the bearer token, or with a wrong one, as 401 problem+json', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }] as Record<string, string>[]) {
      const res = await fetch(`${app.url}/metrics`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="apierr"');
      const body = (await res.json()) as { requestId?: string };
      expect(body.requestId).toBe(res.headers.get('x-request-id'));
    }
  });

  it('answers a scrape that presents it', async () => {
    expect(await scrape(app.url, { authorization: 'Bearer scrape-secret' })).toContain('apierr_build_info');
  });
});

describe('METRICS_PORT', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { METRICS_PORT: '0', WEBHOOK_RATE_LIMIT: '2' } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('serves /metrics only on its own port, counting what the main port received', async () => {
    expect(app.server.metricsUrl).not.toBe(app.url);
    expect((await fetch(`${app.url}/metrics`)).status).toBe(404);
    expect((await app.webhook('generic', genericAlert('port-1'))).status).toBe(202);
    const text = await scrape(app.server.metricsUrl);
    expect(sampleValue(text, 'apierr_webhook_requests_total', { source: 'generic', outcome: 'accepted' })).toBe(1);
    expect((await fetch(`${app.server.metricsUrl}/webhooks/generic`, { method: 'POST' })).status).toBe(404);
    await app.settle();
  });

  it('counts a sender over WEBHOOK_RATE_LIMIT as rate_limited', async () => {
    let status = 0;
    for (let i = 0; i < 5 && status !== 429; i++)
      status = (await app.webhook('generic', genericAlert(`rl-${i}`))).status;
    expect(status).toBe(429);
    const text = await scrape(app.server.metricsUrl);
    expect(
      sampleValue(text, 'apierr_webhook_requests_total', { source: 'generic', outcome: 'rate_limited', code: '429' }),
    ).toBe(1);
    await app.settle();
  });
});

describe('an alert storm', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ start: { storm: { threshold: 1, windowMs: 60_000 } } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('counts the digest it opened, and every alert of it as matched', async () => {
    for (let i = 0; i < 4; i++) expect((await app.webhook('generic', genericAlert(`storm-${i}`))).status).toBe(202);
    await app.settle();
    const text = await scrape(app.url);
    expect(sampleValue(text, 'apierr_storm_digests_opened_total')).toBe(1);
    expect(sampleValue(text, 'apierr_alerts_matched_total', { entry: 'http-429' })).toBe(4);
  });
});
