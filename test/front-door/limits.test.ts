/**
 * The limits of the front door: the per-sender rate limit (429 with Retry-After and the IETF RateLimit
 * headers), CORS only for listed origins on /api/*, 405 with Allow for a wrong method, and bodies that
 * are too big or not UTF-8, all as problem+json.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_TOKEN, startTestApp, type TestApp, webhookFixture } from '../helpers/app-harness.js';
import { appWith, manualClock, post, problemOf } from './harness.js';

let test: TestApp;
beforeAll(async () => {
  test = await startTestApp();
});
afterAll(async () => {
  await test?.close();
});

const alert = (id: string) => JSON.stringify({ id, title: 'Orders API 429' });

describe('the webhook rate limit', () => {
  it('refuses the request past the limit with 429, Retry-After and RateLimit headers, until the quota refills', async () => {
    const clock = manualClock(Date.parse('2025-06-10T10:00:00Z'));
    const app = appWith(test, { WEBHOOK_TOKEN: 'rl', WEBHOOK_RATE_LIMIT: '3' }, clock);
    const send = (id: string) => post(app, '/webhooks/generic', alert(id), { authorization: 'Bearer rl' });

    for (const remaining of [2, 1, 0]) {
      const res = await send(`rate-${remaining}`);
      expect(res.ok).toBe(true);
      expect(res.headers.get('ratelimit-policy')).toBe('"webhooks";q=3;w=60');
      expect(res.headers.get('ratelimit')).toMatch(new RegExp(`^"webhooks";r=${remaining};t=\\d+$`));
    }

    const refused = await send('rate-refused');
    expect(refused.status).toBe(429);
    // 3 per minute refill one every 20 s.
    expect(refused.headers.get('retry-after')).toBe('20');
    expect(refused.headers.get('ratelimit')).toBe('"webhooks";r=0;t=20');
    expect(refused.headers.get('ratelimit-policy')).toBe('"webhooks";q=3;w=60');
    expect(await problemOf(refused)).toMatchObject({ status: 429, type: 'https://apierr.dev/problems/rate-limited' });

    clock.advance(19_000);
    expect((await send('rate-early')).status).toBe(429);
    clock.advance(1_000);
    expect((await send('rate-after')).ok).toBe(true);
  });

  it('counts each source (and so each token) separately', async () => {
    const app = appWith(test, { WEBHOOK_TOKEN: 'rl', WEBHOOK_RATE_LIMIT: '1' }, manualClock(0));
    const auth = { authorization: 'Bearer rl' };
    expect((await post(app, '/webhooks/generic', alert('separate-1'), auth)).ok).toBe(true);
    expect((await post(app, '/webhooks/generic', alert('separate-2'), auth)).status).toBe(429);
    expect((await post(app, '/webhooks/alertmanager', webhookFixture('alertmanager-firing.json'), auth)).ok).toBe(true);
  });

  it('does not count requests refused for a wrong token against the sender that holds the right one', async () => {
    const app = appWith(test, { WEBHOOK_TOKEN: 'rl', WEBHOOK_RATE_LIMIT: '1' }, manualClock(0));
    for (let i = 0; i < 5; i++) {
      expect((await post(app, '/webhooks/generic', alert('x'), { authorization: `Bearer guess-${i}` })).status).toBe(
        401,
      );
    }
    expect((await post(app, '/webhooks/generic', alert('right-token'), { authorization: 'Bearer rl' })).ok).toBe(true);
  });

  it('allows 6000 requests a minute per sender by default, and none of the headers when set to 0', async () => {
    const byDefault = appWith(test, { WEBHOOK_TOKEN: 'rl' });
    const res = await post(byDefault, '/webhooks/generic', alert('default-limit'), { authorization: 'Bearer rl' });
    expect(res.headers.get('ratelimit-policy')).toBe('"webhooks";q=6000;w=60');

    const off = appWith(test, { WEBHOOK_TOKEN: 'rl', WEBHOOK_RATE_LIMIT: '0' }, manualClock(0));
    for (let i = 0; i < 50; i++) {
      const answer = await post(off, '/webhooks/generic', alert('no-limit'), { authorization: 'Bearer rl' });
      expect(answer.ok).toBe(true);
      expect(answer.headers.get('ratelimit')).toBeNull();
    }
  });

  it('keys senders without a token by their address on the real server', async () => {
    const server = await startTestApp({
      env: { WEBHOOK_TOKEN: '', WEBHOOKS_OPEN: 'generic', WEBHOOK_RATE_LIMIT: '2' },
    });
    try {
      const send = (id: string) =>
        fetch(`${server.url}/webhooks/generic`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: alert(id),
        });
      expect((await send('addr-1')).status).toBe(202);
      expect((await send('addr-2')).status).toBe(202);
      const refused = await send('addr-3');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
    } finally {
      await server.close();
    }
  });
});

describe('CORS', () => {
  const LISTED = 'https://ops.example.com';
  const preflight = (origin: string) => ({
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type',
    },
  });
  const corsHeaders = (res: Response) => [...res.headers.keys()].filter((name) => name.startsWith('access-control-'));

  it('sends no CORS headers at all when CORS_ORIGINS is not set', async () => {
    const app = appWith(test, {});
    const res = await app.request('/api/stats', { headers: { origin: LISTED, authorization: `Bearer ${API_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(corsHeaders(res)).toEqual([]);
    expect(corsHeaders(await app.request('/api/explain', preflight(LISTED)))).toEqual([]);
  });

  it('allows exactly a listed origin on /api/*, preflight included', async () => {
    const app = appWith(test, { CORS_ORIGINS: `${LISTED},http://localhost:5173` });
    const res = await app.request('/api/stats', { headers: { origin: LISTED, authorization: `Bearer ${API_TOKEN}` } });
    expect(res.headers.get('access-control-allow-origin')).toBe(LISTED);
    expect(res.headers.get('vary')).toContain('Origin');

    const pre = await app.request('/api/explain', preflight(LISTED));
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(LISTED);
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect(pre.headers.get('access-control-allow-headers')).toBe('Authorization,Content-Type');
  });

  it('gives an unlisted origin no Access-Control-Allow-Origin, and refuses its preflight', async () => {
    const app = appWith(test, { CORS_ORIGINS: LISTED });
    for (const origin of ['https://evil.example', `${LISTED}.evil.example`, 'http://ops.example.com', 'null']) {
      const res = await app.request('/api/stats', { headers: { origin, authorization: `Bearer ${API_TOKEN}` } });
      expect(res.status).toBe(200);
      expect(corsHeaders(res)).toEqual([]);

      const pre = await app.request('/api/explain', preflight(origin));
      expect(pre.status).toBe(403);
      expect(corsHeaders(pre)).toEqual([]);
      expect((await problemOf(pre)).errors?.[0]?.field).toBe('Origin');
    }
  });

  it('never adds CORS headers outside /api/*', async () => {
    const app = appWith(test, { CORS_ORIGINS: LISTED, WEBHOOKS_OPEN: 'generic' });
    const res = await post(app, '/webhooks/generic', alert('cors-webhook'), { origin: LISTED });
    expect(res.ok).toBe(true);
    expect(corsHeaders(res)).toEqual([]);
    expect(corsHeaders(await app.request('/healthz', { headers: { origin: LISTED } }))).toEqual([]);
  });
});

describe('a method a route does not answer', () => {
  it.each([
    ['GET', '/webhooks/alertmanager', 'POST'],
    ['PUT', '/webhooks/generic', 'POST'],
    ['GET', '/slack/events', 'POST'],
    ['POST', '/healthz', 'GET, HEAD'],
    ['DELETE', '/api/stats', 'GET, HEAD'],
    ['GET', '/api/explain', 'POST'],
  ])('%s %s is 405 problem+json with Allow: %s', async (method, path, allow) => {
    const res = await fetch(`${test.url}${path}`, { method, headers: { authorization: `Bearer ${API_TOKEN}` } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe(allow);
    expect(await problemOf(res)).toMatchObject({ status: 405, type: 'https://apierr.dev/problems/method-not-allowed' });
  });

  it('keeps 404 for a path nothing serves', async () => {
    const res = await fetch(`${test.url}/webhooks/a/b`);
    expect(res.status).toBe(404);
    expect(res.headers.get('allow')).toBeNull();
    await problemOf(res);
  });
});

describe('bodies', () => {
  it('refuses a webhook body that is not UTF-8 with 400, pointing at the whole body', async () => {
    const app = appWith(test, { WEBHOOKS_OPEN: 'generic' });
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('{"id":"u","title":"'),
      0xff,
      0xfe,
      ...new TextEncoder().encode('"}'),
    ]);
    const res = await post(app, '/webhooks/generic', bytes);
    expect(res.status).toBe(400);
    expect((await problemOf(res)).errors?.[0]?.pointer).toBe('');
  });

  it('refuses a Slack body over 256 KiB with 413 before checking its signature', async () => {
    const res = await test.slackRequest(`payload=${'x'.repeat(300 * 1024)}`, 'application/x-www-form-urlencoded', {
      headers: { connection: 'close' },
    });
    expect(res.status).toBe(413);
    await problemOf(res);
  });
});
