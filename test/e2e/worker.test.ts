/**
 * The Cloudflare Worker end to end: the real Worker under `wrangler dev` (workerd, local D1, the drainer
 * Durable Object), Slack's Web API faked on 127.0.0.1, requests signed as Slack signs them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_CHANNEL, API_TOKEN, blockText, TEAM_ID, webhookFixture } from '../helpers/app-harness.js';
import type { FakeMessage, FakeSlack } from '../helpers/fake-slack.js';
import { findBinary, inCI, PROMETHEUS_INSTALL_HINT, runTool } from '../helpers/prometheus.js';
import { eventBody, newEventId, slashCommandBody } from '../helpers/slack-signing.js';
import { startWorkerApp, type WorkerApp } from '../helpers/worker-app.js';
import type { WorkerProcess } from '../helpers/worker-process.js';

let app: WorkerApp;
let slack: FakeSlack;
let worker: WorkerProcess;

beforeAll(async () => {
  app = await startWorkerApp({ METRICS_TOKEN: 'test-metrics-token' });
  ({ slack, worker } = app);
}, 90_000);
afterAll(async () => {
  await app?.close();
});

const webhook = (source: string, body: string | object) => app.webhook(source, body);
const signed = (body: string, contentType: string, secret?: string) => app.signed(body, contentType, secret);

const parents = () => slack.messages(ALERT_CHANNEL).filter((m) => !m.thread_ts);

const eventually = (check: () => boolean, what: string) => app.eventually(check, what);

const quiet = (ms = 800) => new Promise((resolve) => setTimeout(resolve, ms));

describe('apierr on Cloudflare Workers (wrangler dev)', () => {
  it('posts one parent and one threaded explanation per alert of an Alertmanager delivery sent twice', async () => {
    const body = webhookFixture('alertmanager-firing.json');
    expect((await webhook('alertmanager', body)).status).toBe(202);
    const again = await webhook('alertmanager', body);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'duplicate' });
    await eventually(
      () => parents().length === 2 && parents().every((p) => slack.thread(ALERT_CHANNEL, p.ts).length === 1),
      'two parents, each with its explanation',
    );
    await quiet();
    expect(parents()).toHaveLength(2);
    for (const parent of parents()) {
      expect(slack.thread(ALERT_CHANNEL, parent.ts)).toHaveLength(1);
      expect(blockText(slack.thread(ALERT_CHANNEL, parent.ts)[0])).toContain('500');
    }
  });

  it('edits the parent of a resolved alert instead of posting a new one', async () => {
    const before = parents().length;
    const updates = slack.callsTo('chat.update').length;
    expect((await webhook('alertmanager', webhookFixture('alertmanager-resolved.json'))).status).toBe(202);
    await eventually(() => slack.callsTo('chat.update').length >= updates + 2, 'the parents edited');
    await quiet();
    expect(parents()).toHaveLength(before);
    const edited = slack.callsTo('chat.update').slice(updates);
    expect(edited.map((c) => c.args.text).join('\n')).toMatch(/Resolved/i);
  });

  it('answers a signed /apierr 429 with the explanation, and refuses a forged signature', async () => {
    const body = slashCommandBody({ command: '/apierr', text: '429', response_url: slack.responseUrl('slash') });
    const res = await signed(body, 'application/x-www-form-urlencoded');
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { response_type: string };
    expect(answer.response_type).toBe('ephemeral');
    expect(blockText(answer)).toContain('429 Too Many Requests');

    const forged = await signed(body, 'application/x-www-form-urlencoded', 'not-the-signing-secret');
    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-type')).toBe('application/problem+json');
  });

  it('records a fix from a reaction on the explanation, visible in /api/stats', async () => {
    const id = `w-fix-${Date.now()}`;
    expect(
      (
        await webhook('generic', {
          id,
          title: 'Checkout throttled',
          message: 'POST /v1/charges returned 429 Too Many Requests',
          status_code: 429,
          service: 'checkout-api',
        })
      ).status,
    ).toBe(202);
    let explanationTs = '';
    await eventually(() => {
      const parent = parents().find((p) => String(p.text).includes('Checkout throttled'));
      explanationTs = parent ? (slack.thread(ALERT_CHANNEL, parent.ts)[0]?.ts ?? '') : '';
      return explanationTs !== '';
    }, 'the explanation');
    const reaction = eventBody(
      {
        type: 'reaction_added',
        user: 'U04ONCALL9Z',
        reaction: 'one',
        item: { type: 'message', channel: ALERT_CHANNEL, ts: explanationTs },
        item_user: 'U07BOTUSER1',
      },
      { team_id: TEAM_ID, event_id: newEventId() },
    );
    expect((await signed(reaction, 'application/json')).status).toBe(200);
    const stats = (await (
      await fetch(`${worker.url}/api/stats`, { headers: { authorization: `Bearer ${API_TOKEN}` } })
    ).json()) as { entries: { id: string; fixes: { resolved: number }[] }[] };
    const entry = stats.entries.find((e) => e.id === 'http-429');
    expect(entry?.fixes.reduce((sum, f) => sum + f.resolved, 0)).toBe(1);
  });

  it('waits as long as Slack asks after a 429 before the next post to the channel', async () => {
    slack.failNext('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 2 });
    const started = Date.now();
    const firstCall = slack.calls.length;
    expect(
      (await webhook('generic', { id: `w-429-${started}`, title: 'Rate limited once', status_code: 503 })).status,
    ).toBe(202);
    await eventually(
      () => parents().some((p) => String(p.text).includes('Rate limited once')),
      'the parent after Retry-After',
    );
    const posts = slack.calls.slice(firstCall).filter((c) => c.method === 'chat.postMessage');
    expect(posts[0]?.status).toBe(429);
    const retried = posts.find((c) => c.ok);
    expect((retried?.at ?? 0) - (posts[0]?.at ?? 0)).toBeGreaterThanOrEqual(2000);
  });

  it('keeps one parent per alert when the same delivery arrives on several connections at once', async () => {
    const id = `w-concurrent-${Date.now()}`;
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => webhook('generic', { id, title: `Concurrent ${id}`, status_code: 502 })),
    );
    expect(answers.filter((r) => r.status === 202)).toHaveLength(1);
    expect(answers.filter((r) => r.status === 200)).toHaveLength(7);
    await eventually(() => parents().some((p) => String(p.text).includes(id)), 'the parent');
    await quiet();
    expect(parents().filter((p) => String(p.text).includes(id))).toHaveLength(1);
  });

  it('acknowledges an alert from its message: the parent shows who holds it and the thread notes it', async () => {
    const id = `w-ack-${Date.now()}`;
    expect((await webhook('generic', { id, title: `Ack me ${id}`, status_code: 500 })).status).toBe(202);
    await eventually(() => parents().some((p) => String(p.text).includes(id)), 'the parent');
    const parent = parents().find((p) => String(p.text).includes(id)) as FakeMessage;
    const ack = (parent.blocks as { type: string; elements?: { action_id: string; value?: string }[] }[])
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === 'apierr_ack');
    expect(ack).toBeDefined();
    const payload = {
      type: 'block_actions',
      user: { id: 'U04ONCALL9Z', username: 'dana', name: 'dana', team_id: TEAM_ID },
      team: { id: TEAM_ID, domain: 'example-corp' },
      container: { type: 'message', message_ts: parent.ts, channel_id: ALERT_CHANNEL, is_ephemeral: false },
      channel: { id: ALERT_CHANNEL },
      response_url: slack.responseUrl('worker-ack'),
      actions: [{ type: 'button', action_id: 'apierr_ack', block_id: 'alert-controls', value: ack?.value }],
    };
    const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    expect((await signed(body, 'application/x-www-form-urlencoded')).status).toBe(200);
    await eventually(
      () => blockText(parents().find((p) => p.ts === parent.ts)).includes('Acknowledged by <@U04ONCALL9Z>'),
      'the parent edited',
    );
    await eventually(
      () => slack.thread(ALERT_CHANNEL, parent.ts).some((m) => blockText(m).includes('acknowledged this alert')),
      'the thread note',
    );
  });

  it('serves /metrics from counters every isolate adds to D1, in a format promtool accepts', async () => {
    const scrape = () =>
      fetch(`${worker.url}/metrics`, { headers: { authorization: 'Bearer test-metrics-token' } }).then((r) => r.text());
    expect((await fetch(`${worker.url}/metrics`)).status).toBe(401);
    const accepted = /apierr_webhook_requests_total\{code="202",outcome="accepted",source="alertmanager"\} (\d+)/;
    const deadline = Date.now() + 10_000;
    let text = await scrape();
    while (!accepted.test(text) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      text = await scrape();
    }
    // The tests above sent one accepted Alertmanager delivery and one resolve.
    expect(Number(accepted.exec(text)?.[1])).toBe(2);
    expect(text).toMatch(/apierr_webhook_requests_total\{code="200",outcome="duplicate",source="alertmanager"\} 1/);
    expect(text).toMatch(/apierr_slack_calls_total\{method="chat.postMessage",outcome="rate_limited"\} 1/);
    expect(text).toContain('apierr_build_info{version=');
    expect(text).toMatch(/apierr_knowledge_entries \d+/);
    const promtool = findBinary('promtool');
    if (!promtool && inCI) throw new Error(PROMETHEUS_INSTALL_HINT);
    if (promtool) {
      const checked = await runTool(promtool, ['check', 'metrics'], { input: text });
      expect(checked.stderr + checked.stdout).not.toMatch(/error/i);
      expect(checked.code).toBe(0);
    }
  });
});
