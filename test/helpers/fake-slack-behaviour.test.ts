import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from './fake-slack.js';

const CHANNEL = 'C07ALERTS01';
let fake: FakeSlack;

/** Calls the fake the way a hand-rolled client would: JSON body, bearer token. */
async function api(method: string, args: Record<string, unknown>, token: string | null = 'xoxb-t') {
  const response = await fetch(`${fake.apiUrl}${method}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      ...(token !== null && { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(args),
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

const json = (r: { body: string }) => JSON.parse(r.body) as Record<string, unknown>;

beforeEach(async () => {
  fake = await startFakeSlack({ channels: [CHANNEL] });
});

afterEach(async () => {
  await fake.close();
});

describe('the fake Slack Web API', () => {
  it('accepts JSON bodies and hands out unique, increasing ts values', async () => {
    const a = json(await api('chat.postMessage', { channel: CHANNEL, text: 'a', reply_broadcast: false }));
    const b = json(await api('chat.postMessage', { channel: CHANNEL, text: 'b' }));
    expect(a.ts).toBe('1700000000.000100');
    expect(String(b.ts) > String(a.ts)).toBe(true);
    expect(fake.callsTo('chat.postMessage')[0]?.args).toEqual({ channel: CHANNEL, text: 'a', reply_broadcast: false });
  });

  it.each([
    ['a header over 150 characters', [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }]],
    ['a section text over 3000 characters', [{ type: 'section', text: { type: 'mrkdwn', text: 's'.repeat(3001) } }]],
    ['a block without a type', [{ text: 'x' }]],
  ])('rejects %s with invalid_blocks and a JSON pointer', async (_name, blocks) => {
    const body = json(await api('chat.postMessage', { channel: CHANNEL, text: 'x', blocks }));
    expect(body).toMatchObject({ ok: false, error: 'invalid_blocks', errors: [expect.stringContaining('/blocks/0')] });
  });

  it('accepts blocks exactly at the limits', async () => {
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(150) } },
      ...Array.from({ length: 49 }, () => ({ type: 'section', text: { type: 'mrkdwn', text: 's'.repeat(3000) } })),
    ];
    expect(json(await api('chat.postMessage', { channel: CHANNEL, text: 'x', blocks })).ok).toBe(true);
  });

  it.each([
    ['text over 40,000 characters', { channel: CHANNEL, text: 't'.repeat(40_001) }, 'msg_too_long'],
    ['no text or blocks', { channel: CHANNEL }, 'no_text'],
    ['an unknown channel', { channel: 'C0NOPE', text: 'x' }, 'channel_not_found'],
  ])('refuses a post with %s', async (_name, args, error) => {
    expect(json(await api('chat.postMessage', args))).toEqual({ ok: false, error });
  });

  it('answers not_authed without a token and unknown_method for methods it lacks', async () => {
    expect(json(await api('auth.test', {}, null))).toEqual({ ok: false, error: 'not_authed' });
    expect(json(await api('views.open', {}))).toMatchObject({ ok: false, error: 'unknown_method' });
  });

  it('records ephemeral messages apart from channel messages', async () => {
    const body = json(await api('chat.postEphemeral', { channel: CHANNEL, user: 'U04ONCALL9Z', text: 'only you' }));
    expect(body).toMatchObject({ ok: true, message_ts: expect.stringMatching(/^\d{10}\.\d{6}$/) });
    expect(fake.ephemerals(CHANNEL)).toMatchObject([{ user: 'U04ONCALL9Z', text: 'only you' }]);
    expect(fake.messages(CHANNEL)).toEqual([]);
  });
});

describe('injected failures', () => {
  it('answer ok:false with HTTP 200 for an error failure, then behave normally', async () => {
    fake.failNext('*', { kind: 'error', error: 'invalid_auth' });
    const failed = await api('chat.postMessage', { channel: CHANNEL, text: 'x' });
    expect([failed.status, json(failed)]).toEqual([200, { ok: false, error: 'invalid_auth' }]);
    expect(json(await api('chat.postMessage', { channel: CHANNEL, text: 'x' })).ok).toBe(true);
    expect(fake.calls.map((c) => c.ok)).toEqual([false, true]);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('send a 429 with Retry-After as many times as asked', async () => {
    fake.failNext('chat.update', { kind: 'ratelimited', retryAfterSeconds: 7 }, 2);
    for (let i = 0; i < 2; i++) {
      const r = await api('chat.update', { channel: CHANNEL, ts: '1', text: 'x' });
      expect([r.status, r.headers.get('retry-after'), json(r).error]).toEqual([429, '7', 'ratelimited']);
    }
    expect(json(await api('chat.update', { channel: CHANNEL, ts: '1', text: 'x' })).error).toBe('message_not_found');
  });

  it('send a bare 5xx for an http failure', async () => {
    fake.failNext('auth.test', { kind: 'http', status: 503 });
    expect((await api('auth.test', {})).status).toBe(503);
    expect(fake.calls[0]).toMatchObject({ status: 503, ok: false, injected: 'http' });
  });

  it('hold a hung call, then answer it normally', async () => {
    fake.failNext('chat.postMessage', { kind: 'hang', ms: 150 });
    const started = Date.now();
    expect(json(await api('chat.postMessage', { channel: CHANNEL, text: 'late' })).ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(fake.messages(CHANNEL)).toHaveLength(1);
  });

  it('drop a hung call without effect when asked to close', async () => {
    fake.failNext('chat.postMessage', { kind: 'hang', ms: 10, after: 'close' });
    await expect(api('chat.postMessage', { channel: CHANNEL, text: 'lost' })).rejects.toThrow();
    expect(fake.calls[0]).toMatchObject({ status: 0, ok: false, injected: 'hang' });
    expect(fake.messages(CHANNEL)).toEqual([]);
  });
});

describe('waitFor, response URLs and reset', () => {
  it('waitFor resolves on a call that arrives later and times out with the calls it saw', async () => {
    const waiting = fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.text === 'later', 1_000);
    await api('auth.test', {});
    await api('chat.postMessage', { channel: CHANNEL, text: 'later' });
    await expect(waiting).resolves.toMatchObject({ ok: true, args: { text: 'later' } });
    await expect(fake.waitFor('chat.update', 50)).rejects.toThrow(/auth\.test→200/);
  });

  it('records POSTs to a response URL by id', async () => {
    const url = fake.responseUrl('cmd-1');
    const message = { response_type: 'ephemeral', text: 'Explaining 429…', replace_original: false };
    const r = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
    });
    expect(r.status).toBe(200);
    expect(fake.responses('cmd-1').map((c) => c.args)).toEqual([message]);
    expect(fake.responses('other')).toEqual([]);
  });

  it('reset forgets calls, messages and pending failures but never reuses a ts', async () => {
    const first = json(await api('chat.postMessage', { channel: CHANNEL, text: 'a' }));
    fake.failNext('*', { kind: 'error', error: 'fatal_error' });
    fake.reset();
    const second = json(await api('chat.postMessage', { channel: CHANNEL, text: 'b' }));
    expect(second.ok).toBe(true);
    expect(second.ts).not.toBe(first.ts);
    expect(fake.calls).toHaveLength(1);
    expect(fake.messages(CHANNEL)).toHaveLength(1);
  });
});
