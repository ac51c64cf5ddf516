/**
 * One channel waiting does not hold up the others: a delivery backing off after a Slack 5xx in one channel
 * leaves the outbox free to post a new alert in another channel at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, WEBHOOK_TOKEN } from '../helpers/app-harness.js';
import { until } from '../helpers/wait.js';

const SLOW = 'C07SLOWCHAN1';
const FAST = 'C07FASTCHAN1';
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({
    env: { SLACK_ALLOWED_CHANNELS: `${SLOW},${FAST}` },
    // A first retry 4-8 s away: far longer than the wait the new alert may have.
    start: { retryBaseMs: 8000, pacingMs: 20, storm: { threshold: 1000, windowMs: 60_000 } },
  });
});
afterAll(async () => {
  await app?.close();
});

const send = (channel: string, id: string) =>
  fetch(`${app.url}/webhooks/generic?channel=${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_TOKEN}` },
    body: JSON.stringify({ id, title: `Alert ${id}`, status_code: 502 }),
  });

describe('the Node outbox with several channels', () => {
  it('posts in one channel while another waits out a retry', async () => {
    app.slack.failNext('chat.postMessage', { kind: 'http', status: 500 });
    expect((await send(SLOW, 'slow-1')).status).toBe(202);
    await until('the failed attempt', () =>
      app.slack.calls.some((c) => c.method === 'chat.postMessage' && c.status === 500),
    );
    const sent = Date.now();
    expect((await send(FAST, 'fast-1')).status).toBe(202);
    await until('the other channel’s parent', () => app.slack.messages(FAST).some((m) => !m.thread_ts), 10_000);
    expect(Date.now() - sent).toBeLessThan(2000);
    expect(app.slack.messages(SLOW)).toHaveLength(0);
  });
});
