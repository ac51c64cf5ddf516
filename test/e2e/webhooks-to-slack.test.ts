import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ALERT_CHANNEL,
  blockText,
  startTestApp,
  type TestApp,
  WEBHOOK_TOKEN,
  webhookFixture,
} from '../helpers/app-harness.js';

let app: TestApp;

beforeAll(async () => {
  // These tests are about single alerts; the storm digest has its own test (alert-storm.test.ts).
  app = await startTestApp({ start: { storm: { threshold: 1000, windowMs: 60_000 } } });
});
afterAll(async () => {
  await app?.close();
});
// The fake keeps its messages across tests (edits need them); each test looks only at what came after its mark.
let mark = { calls: 0, messages: 0 };
beforeEach(() => {
  mark = { calls: app.slack.calls.length, messages: app.slack.messages(ALERT_CHANNEL).length };
});

const newCalls = () => app.slack.calls.slice(mark.calls);
const newCallsTo = (method: string) => newCalls().filter((c) => c.method === method && c.ok);
const parents = () =>
  app.slack
    .messages(ALERT_CHANNEL)
    .slice(mark.messages)
    .filter((m) => !m.thread_ts);

function genericAlert(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    title: 'Checkout API throttled',
    message: 'POST /v1/charges returned 429 Too Many Requests; Retry-After: 30',
    status_code: 429,
    service: 'checkout-api',
    severity: 'warning',
    status: 'firing',
    ...overrides,
  };
}

describe('an Alertmanager notification', () => {
  it('carries the sender request id into the metadata of every message it posts for the alert', async () => {
    const res = await app.webhook('generic', genericAlert('traced-1'), { 'x-request-id': 'trace-0a1b2c3d' });
    expect(res.status).toBe(202);
    expect(res.headers.get('x-request-id')).toBe('trace-0a1b2c3d');
    await app.settle();
    const posts = newCallsTo('chat.postMessage');
    expect(posts).toHaveLength(2); // the parent and its explanation
    for (const post of posts) {
      expect(post.args.metadata).toMatchObject({
        event_type: 'apierr_message',
        event_payload: { request_id: 'trace-0a1b2c3d' },
      });
    }
  });

  it('posts one parent per alert, with the explanation in its thread', async () => {
    const res = await app.webhook('alertmanager', webhookFixture('alertmanager-firing.json'));
    expect(res.status).toBe(202);
    const receipt = (await res.json()) as { accepted: number; alerts: { outcome: string }[] };
    expect(receipt.accepted).toBe(2);
    await app.settle();

    const posted = parents();
    expect(posted).toHaveLength(2);
    for (const parent of posted) {
      const thread = app.slack.thread(ALERT_CHANNEL, parent.ts);
      expect(thread).toHaveLength(1);
      const explanation = blockText(thread[0]);
      expect(explanation).toContain('Check first');
      expect(explanation).toContain('Fixes, best first');
      expect(explanation).toMatch(/react to this message with its number/);
    }
    expect(blockText(posted[0])).toContain('HighErrorRate');
  });

  it('answers a redelivery with success and posts nothing new', async () => {
    const res = await app.webhook('alertmanager', webhookFixture('alertmanager-firing.json'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'duplicate', accepted: 0, duplicates: 2 });
    await app.settle();
    expect(newCalls().filter((c) => c.method === 'chat.postMessage')).toHaveLength(0);
  });

  it('edits the parent when the alert resolves and notes it in the thread, without a new parent', async () => {
    const res = await app.webhook('alertmanager', webhookFixture('alertmanager-resolved.json'));
    expect(res.status).toBe(202);
    await app.settle();
    const updates = newCallsTo('chat.update');
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(blockText(updates[0]?.args)).toMatch(/Resolved/);
    const posts = newCallsTo('chat.postMessage');
    expect(posts.length).toBeGreaterThanOrEqual(1);
    for (const post of posts) expect(post.args.thread_ts).toBeTruthy();
    expect(blockText(posts[0]?.args)).toMatch(/Resolved/);
  });
});

describe('the generic webhook', () => {
  it('creates exactly one parent when the same event arrives many times at once', async () => {
    const body = genericAlert('concurrent-1');
    const answers = await Promise.all(Array.from({ length: 12 }, () => app.webhook('generic', body)));
    expect(answers.every((r) => r.status === 202 || r.status === 200)).toBe(true);
    expect(answers.filter((r) => r.status === 202)).toHaveLength(1);
    await app.settle();
    const posted = parents();
    expect(posted).toHaveLength(1);
    expect(blockText(posted[0])).toContain('Too Many Requests');
    const thread = app.slack.thread(ALERT_CHANNEL, posted[0]?.ts as string);
    expect(thread).toHaveLength(1);
    expect(blockText(thread[0])).toMatch(/Retry-After/i);
  });

  it('takes the event id from the Idempotency-Key header', async () => {
    const { id: _drop, ...withoutId } = genericAlert('ignored');
    const first = await app.webhook('generic', withoutId, { 'idempotency-key': 'key-42' });
    const second = await app.webhook('generic', withoutId, { 'idempotency-key': 'key-42' });
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    await app.settle();
    expect(parents()).toHaveLength(1);
  });

  it('keeps posting when Slack answers 429, after waiting as told, and posts once', async () => {
    app.slack.failNext('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 1 });
    const started = Date.now();
    expect((await app.webhook('generic', genericAlert('ratelimited-1'))).status).toBe(202);
    await app.settle();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(parents()).toHaveLength(1);
    expect(newCalls().filter((c) => c.method === 'chat.postMessage' && c.status === 429)).toHaveLength(1);
  });

  it('waits out a 429 for the whole channel, so the alerts still arrive in the order they were sent', async () => {
    app.slack.failNext('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 1 });
    for (const n of [1, 2, 3]) {
      expect((await app.webhook('generic', genericAlert(`ordered-${n}`, { title: `Ordered alert ${n}` }))).status).toBe(
        202,
      );
    }
    await app.settle();
    const titles = parents().map((p) => /Ordered alert \d/.exec(JSON.stringify(p.blocks))?.[0]);
    expect(titles).toEqual(['Ordered alert 1', 'Ordered alert 2', 'Ordered alert 3']);
  });

  it('lists a delivery that Slack refuses for good as failed, with the reason', async () => {
    app.slack.failNext('chat.postMessage', { kind: 'error', error: 'channel_not_found' });
    expect((await app.webhook('generic', genericAlert('refused-1', { title: 'Refused alert' }))).status).toBe(202);
    await app.settle();
    const res = await app.api('/api/deliveries?state=failed');
    const { deliveries } = (await res.json()) as { deliveries: { alert: string; reason: string }[] };
    expect(deliveries).toContainEqual(expect.objectContaining({ alert: 'Refused alert', reason: 'channel_not_found' }));
  });
});

describe('the webhook front door', () => {
  it('refuses a missing or wrong token with 401 problem+json', async () => {
    for (const authorization of [undefined, 'Bearer wrong', `Basic ${WEBHOOK_TOKEN}`]) {
      const res = await fetch(`${app.url}/webhooks/generic`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(genericAlert('unauth')),
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it('answers malformed JSON with 400, a wrong content type with 415 and a wrong shape with 422 naming the field', async () => {
    const malformed = await app.webhook('alertmanager', '{"alerts": [');
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toBe('application/problem+json');

    const wrongType = await app.webhook('generic', 'id=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(wrongType.status).toBe(415);

    const wrongShape = await app.webhook('alertmanager', {
      version: '4',
      status: 'firing',
      alerts: [{ status: 'firing', labels: {} }],
    });
    expect(wrongShape.status).toBe(422);
    const problem = (await wrongShape.json()) as { title: string; errors: { pointer: string }[] };
    expect(problem.errors[0]?.pointer).toMatch(/^\/alerts\/0\//);
  });

  it('answers an unknown source with 404 listing the known ones', async () => {
    const res = await app.webhook('nagios', genericAlert('x'));
    expect(res.status).toBe(404);
    expect(((await res.json()) as { detail: string }).detail).toContain('alertmanager');
  });

  it('refuses a body over 1 MiB with 413', async () => {
    // connection: close, because the server answers before reading the oversized body.
    const res = await app.webhook('generic', genericAlert('big', { message: 'x'.repeat(1024 * 1024 + 10) }), {
      connection: 'close',
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('the API', () => {
  it('needs its bearer token', async () => {
    const res = await fetch(`${app.url}/api/stats`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('explains text as ranked JSON matches', async () => {
    const res = await app.api('/api/explain', {
      method: 'POST',
      body: JSON.stringify({ text: 'upstream connect error or disconnect/reset before headers' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { matches: { id: string; confidence: number; reasons: unknown[] }[] };
    expect(body.matches[0]?.id).toBe('upstream-connection');
    expect(body.matches[0]?.reasons.length).toBeGreaterThan(0);
  });

  it('answers an explain request without text with 422 naming the field', async () => {
    const res = await app.api('/api/explain', { method: 'POST', body: JSON.stringify({ txt: 'oops' }) });
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { errors: { pointer: string }[] };
    expect(problem.errors[0]?.pointer).toMatch(/text|txt/);
  });

  it('keeps /healthz open', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});
