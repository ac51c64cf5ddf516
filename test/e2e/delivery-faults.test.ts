/**
 * Fault injection against the fake Slack Web API: whatever Slack does (429 with Retry-After, 5xx, hangs,
 * answers lost after the post took effect, permanent errors), every accepted alert ends up posted exactly
 * once (one parent, one explanation) or listed as failed with its reason. Never twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ALERT_CHANNEL, startTestApp, type TestApp } from '../helpers/app-harness.js';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const alert = (id: string) => ({
  id,
  title: `Gateway errors ${id}`,
  message: 'nginx: 502 Bad Gateway, upstream prematurely closed connection',
  status_code: 502,
  service: 'edge',
});

interface Deliveries {
  deliveries: { alert: string; state: string; reason: string | null }[];
}

/** Each alert's parents in the channel, and the replies in each parent's thread. */
function postsByAlert(test: TestApp, ids: readonly string[]) {
  const parents = test.slack.messages(ALERT_CHANNEL).filter((m) => !m.thread_ts);
  return ids.map((id) => {
    const mine = parents.filter((p) => JSON.stringify(p.blocks).includes(`Gateway errors ${id}"`));
    return { id, parents: mine.length, replies: mine.map((p) => test.slack.thread(ALERT_CHANNEL, p.ts).length) };
  });
}

describe('delivery under Slack faults', () => {
  it('does not post again when Slack took the post but the answer was lost', async () => {
    app = await startTestApp({ start: { retryBaseMs: 50, slackTimeoutMs: 1000 } });
    app.slack.failNext('chat.postMessage', { kind: 'lost-answer' });
    app.slack.failNext('chat.postMessage', { kind: 'lost-answer' }); // the explanation too
    expect((await app.webhook('generic', alert('lost'))).status).toBe(202);
    await app.settle();
    expect(postsByAlert(app, ['lost'])).toEqual([{ id: 'lost', parents: 1, replies: [1] }]);
    // It looked before posting again.
    expect(app.slack.callsTo('conversations.history').length).toBeGreaterThanOrEqual(1);
    expect(app.slack.callsTo('conversations.replies').length).toBeGreaterThanOrEqual(1);
  });

  it('delivers every alert exactly once, or lists it as failed with the reason, through mixed faults', async () => {
    // Sixteen alerts of one pattern would open a storm digest; this test is about single posts.
    app = await startTestApp({
      start: { retryBaseMs: 50, slackTimeoutMs: 400, storm: { threshold: 100, windowMs: 60_000 } },
    });
    const ids = Array.from({ length: 16 }, (_, i) => `mix-${i}`);
    const fake = app.slack;
    fake.failNext('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 1 });
    fake.failNext('chat.postMessage', { kind: 'http', status: 500 }, 2);
    fake.failNext('chat.postMessage', { kind: 'hang', ms: 800, after: 'close' });
    fake.failNext('chat.postMessage', { kind: 'lost-answer' });
    fake.failNext('chat.postMessage', { kind: 'http', status: 503 });
    fake.failNext('chat.postMessage', { kind: 'error', error: 'channel_not_found' });
    fake.failNext('chat.postMessage', { kind: 'lost-answer' });
    fake.failNext('chat.postMessage', { kind: 'http', status: 502 });

    for (const id of ids) expect((await app.webhook('generic', alert(id))).status).toBe(202);
    await app.settle(30_000);

    const failed = ((await (await app.api('/api/deliveries')).json()) as Deliveries).deliveries;
    expect(failed.filter((d) => d.state === 'pending')).toEqual([]);
    const failedTitles = new Set(failed.map((d) => d.alert));
    expect(failed.every((d) => d.state === 'failed' && d.reason === 'channel_not_found')).toBe(true);

    for (const posted of postsByAlert(app, ids)) {
      if (failedTitles.has(`Gateway errors ${posted.id}`)) {
        expect(posted.parents, `${posted.id} failed, so at most its parent exists`).toBeLessThanOrEqual(1);
      } else {
        expect(posted, `${posted.id} is posted once with one explanation`).toEqual({
          id: posted.id,
          parents: 1,
          replies: [1],
        });
      }
    }
    expect(failed).toHaveLength(1);
  });
});
