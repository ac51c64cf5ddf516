/**
 * Routing alerts to the team's channel: a webhook names its channel (`?channel=`, or a `channel` field in the
 * generic shape), within SLACK_ALLOWED_CHANNELS; each channel is paced on its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_CHANNEL, blockText, startTestApp, type TestApp } from '../helpers/app-harness.js';

const TEAM_A = 'C07TEAMA001';
const TEAM_B = 'C07TEAMB001';
/** Allowed, but the bot is not in it: Slack answers channel_not_found. */
const GONE = 'C07GONE0001';
const PACING_MS = 400;

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({
    env: { SLACK_ALLOWED_CHANNELS: `${TEAM_A},${TEAM_B},${GONE},${ALERT_CHANNEL}` },
    slack: { channels: [ALERT_CHANNEL, TEAM_A, TEAM_B] },
    start: { pacingMs: PACING_MS, storm: { threshold: 1000, windowMs: 60_000 } },
  });
});
afterAll(async () => {
  await app?.close();
});

const alert = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  title: `Checkout throttled ${id}`,
  message: 'POST /v1/charges returned 429 Too Many Requests',
  status_code: 429,
  ...extra,
});

describe('routing webhooks to the team’s channel', () => {
  it('posts to the channel each webhook names, pacing each channel on its own', async () => {
    const a = await app.webhook('generic', [alert('route-a1'), alert('route-a2')]);
    expect(a.status).toBe(202);
    // The batch above goes to the default channel; these two name their channels.
    const toA = await fetchWebhook(`?channel=${TEAM_A}`, [alert('route-a3'), alert('route-a4')]);
    const toB = await fetchWebhook('', { ...alert('route-b1'), channel: TEAM_B });
    expect(toA.status).toBe(202);
    expect(toB.status).toBe(202);
    await app.settle(20_000);

    const parentsIn = (channel: string) => app.slack.messages(channel).filter((m) => !m.thread_ts);
    expect(parentsIn(TEAM_A).map((m) => m.text)).toEqual([
      expect.stringContaining('route-a3'),
      expect.stringContaining('route-a4'),
    ]);
    expect(parentsIn(TEAM_B).map((m) => m.text)).toEqual([expect.stringContaining('route-b1')]);
    expect(parentsIn(ALERT_CHANNEL).some((m) => blockText(m).includes('route-a1'))).toBe(true);
    expect(parentsIn(TEAM_A).some((m) => blockText(m).includes('route-b1'))).toBe(false);

    // Per channel: parents in one channel are at least the pace apart (a delivery posts its parent and
    // explanation together, then waits), while another channel does not wait for it.
    const posts = (channel: string) =>
      app.slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === channel && c.args.thread_ts === undefined)
        .map((c) => c.at);
    const inA = posts(TEAM_A);
    for (let i = 1; i < inA.length; i++)
      expect((inA[i] as number) - (inA[i - 1] as number)).toBeGreaterThanOrEqual(PACING_MS - 50);
    const firstB = posts(TEAM_B)[0] as number;
    expect(firstB - (inA[0] as number)).toBeLessThan(inA.length * 2 * PACING_MS);
  });

  it('refuses a channel outside SLACK_ALLOWED_CHANNELS, or not a channel id, with 422 naming the field', async () => {
    const outside = await fetchWebhook('?channel=C07OTHER001', alert('route-x1'));
    expect(outside.status).toBe(422);
    expect(outside.headers.get('content-type')).toBe('application/problem+json');
    expect(await outside.json()).toMatchObject({ errors: [expect.objectContaining({ field: 'channel' })] });

    const inBody = await fetchWebhook('', { ...alert('route-x2'), channel: 'C07OTHER001' });
    expect(inBody.status).toBe(422);
    expect(await inBody.json()).toMatchObject({ errors: [expect.objectContaining({ pointer: '/channel' })] });

    const byName = await fetchWebhook('?channel=%23alerts', alert('route-x3'));
    expect(byName.status).toBe(422);
    expect(((await byName.json()) as { detail: string }).detail).toContain('channel id');
  });

  it('fails the delivery to a channel the bot cannot post to, with Slack’s reason in /apierr stats', async () => {
    const res = await fetchWebhook(`?channel=${GONE}`, alert('route-gone'));
    expect(res.status).toBe(202);
    await app.settle();
    const failed = await app.server.services.store.listDeliveries(['failed'], 10);
    expect(failed).toEqual([expect.objectContaining({ channel: GONE, lastError: 'channel_not_found' })]);
    const stats = await app.slash('stats');
    expect(blockText(await stats.json())).toContain('channel_not_found');
    const here = blockText(await (await app.slash('stats', { channel_id: GONE })).json());
    expect(here).toContain('In this channel:* 0 alerts');
    expect(here).toContain('1 failed (last: channel_not_found)');
    const teamA = blockText(await (await app.slash('stats', { channel_id: TEAM_A })).json());
    expect(teamA).toContain('In this channel:* 2 alerts, 2 explained');
  });
});

function fetchWebhook(query: string, body: unknown): Promise<Response> {
  return fetch(`${app.url}/webhooks/generic${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer test-webhook-token' },
    body: JSON.stringify(body),
  });
}
