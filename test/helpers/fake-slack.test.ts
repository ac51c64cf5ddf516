import { LogLevel, WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from './fake-slack.js';

const TOKEN = 'xoxb-test-token';
const CHANNEL = 'C07ALERTS01';
const blocks = [
  { type: 'header', text: { type: 'plain_text', text: 'FIRING: HighErrorRate' } },
  { type: 'section', text: { type: 'mrkdwn', text: '*checkout-api* 5xx above 5%' } },
];

let fake: FakeSlack;
let client: WebClient;

beforeEach(async () => {
  fake = await startFakeSlack();
  client = new WebClient(TOKEN, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 20 },
    // Retries are expected here; the SDK's warnings would only clutter the test output.
    logLevel: LogLevel.ERROR,
  });
});

afterEach(async () => {
  await fake.close();
});

describe('the fake Slack driven by the real WebClient', () => {
  it('records a posted message with its blocks parsed back from the form body', async () => {
    const result = await client.chat.postMessage({ channel: CHANNEL, text: 'FIRING: HighErrorRate', blocks });

    expect(result).toMatchObject({ ok: true, channel: CHANNEL, ts: '1700000000.000100' });
    const [call] = fake.callsTo('chat.postMessage');
    expect(call?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(call?.token).toBe(TOKEN);
    expect(call?.args).toEqual({ channel: CHANNEL, text: 'FIRING: HighErrorRate', blocks });
    expect(fake.messages(CHANNEL)).toMatchObject([{ ts: result.ts, text: 'FIRING: HighErrorRate', blocks }]);
  });

  it('answers auth.test with the bot identity from the fixtures', async () => {
    await expect(client.auth.test()).resolves.toMatchObject({
      ok: true,
      team_id: 'T0123ABCD45',
      user_id: 'U07BOTUSER1',
      bot_id: 'B07BOT0001',
    });
  });

  it('makes WebClient wait out a 429 with Retry-After 1 and the message lands once', async () => {
    fake.failNext('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 1 });
    const started = Date.now();

    await client.chat.postMessage({ channel: CHANNEL, text: 'hello' });

    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(fake.calls.map((c) => [c.method, c.status])).toEqual([
      ['chat.postMessage', 429],
      ['chat.postMessage', 200],
    ]);
    expect(fake.calls[0]?.injected).toBe('ratelimited');
    expect(fake.messages(CHANNEL)).toHaveLength(1);
  });

  it('rejects 51 blocks with invalid_blocks and stores nothing', async () => {
    const tooMany = Array.from({ length: 51 }, (_, i) => ({ type: 'section', text: { type: 'mrkdwn', text: `${i}` } }));

    await expect(client.chat.postMessage({ channel: CHANNEL, text: 'x', blocks: tooMany })).rejects.toMatchObject({
      data: { ok: false, error: 'invalid_blocks' },
    });
    expect(fake.messages(CHANNEL)).toEqual([]);
    expect(fake.calls[0]).toMatchObject({ status: 200, ok: false, error: 'invalid_blocks' });
  });

  it('answers chat.update of a ts that was never posted with message_not_found', async () => {
    await expect(client.chat.update({ channel: CHANNEL, ts: '1700000000.999900', text: 'x' })).rejects.toMatchObject({
      data: { error: 'message_not_found' },
    });
  });

  it('updates a posted message in place and keeps thread replies under their parent', async () => {
    const parent = await client.chat.postMessage({ channel: CHANNEL, text: 'FIRING', blocks });
    const ts = parent.ts ?? '';
    await client.chat.postMessage({ channel: CHANNEL, text: 'still firing', thread_ts: ts });
    await client.chat.update({ channel: CHANNEL, ts, text: 'RESOLVED' });

    const [stored] = fake.messages(CHANNEL);
    expect(stored).toMatchObject({ ts, text: 'RESOLVED', blocks, edited: { user: 'U07BOTUSER1' } });
    expect(fake.thread(CHANNEL, ts)).toMatchObject([{ text: 'still firing', thread_ts: ts }]);
    const { permalink } = await client.chat.getPermalink({ channel: CHANNEL, message_ts: ts });
    expect(permalink).toBe(`https://example-corp.slack.com/archives/${CHANNEL}/p${ts.replace('.', '')}`);
  });
});
