/**
 * An alert storm: a thousand alerts of one pattern must not become a thousand Slack messages. The first few
 * are posted on their own; then one digest message lists them all and is edited as more join or resolve.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_CHANNEL, startTestApp, type TestApp } from '../helpers/app-harness.js';

const COUNT = 1000;
const BATCH = 100;
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const stormAlert = (i: number, status: 'firing' | 'resolved' = 'firing') => ({
  id: `storm-${i}`,
  title: `Throttled ${String(i).padStart(4, '0')}`,
  message: 'POST /v1/charges returned 429 Too Many Requests',
  status_code: 429,
  service: 'checkout',
  status,
});

async function send(status: 'firing' | 'resolved') {
  for (let start = 0; start < COUNT; start += BATCH) {
    const batch = Array.from({ length: BATCH }, (_, k) => stormAlert(start + k, status));
    expect((await app.webhook('generic', batch)).status).toBe(202);
  }
  await app.settle(60_000);
}

const digestMessage = () =>
  app.slack.messages(ALERT_CHANNEL).find((m) => !m.thread_ts && JSON.stringify(m.blocks).includes('Alert storm'));

describe('a burst of 1,000 alerts for one pattern', () => {
  it('posts a handful of messages, not a thousand, and the digest names every alert', async () => {
    await send('firing');
    const messages = app.slack.messages(ALERT_CHANNEL);
    expect(messages.length).toBeLessThanOrEqual(14);
    const parents = messages.filter((m) => !m.thread_ts);
    expect(parents.length).toBeLessThanOrEqual(7);

    const digest = digestMessage();
    expect(digest).toBeDefined();
    const text = JSON.stringify(digest?.blocks);
    const individually = parents.length - 1;
    for (let i = individually; i < COUNT; i++) expect(text).toContain(`Throttled ${String(i).padStart(4, '0')}`);
    expect(text).toMatch(/\d+ alerts/);
    expect(digest?.blocks?.length).toBeLessThanOrEqual(50);
    expect(app.slack.thread(ALERT_CHANNEL, digest?.ts as string)).toHaveLength(1);
    expect(app.slack.callsTo('chat.update').length).toBeLessThan(30);
  });

  it('edits the digest when they resolve, without posting new parents', async () => {
    const before = app.slack.messages(ALERT_CHANNEL).filter((m) => !m.thread_ts).length;
    await send('resolved');
    expect(app.slack.messages(ALERT_CHANNEL).filter((m) => !m.thread_ts)).toHaveLength(before);
    const text = JSON.stringify(digestMessage()?.blocks);
    expect(text).toMatch(/\*Firing:\* 0/);
  });
});
