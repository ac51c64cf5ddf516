/**
 * Cheap abuse: guessing bearer tokens (401s limited and logged per address), batches of tens of
 * thousands of alerts, and bodies that are abandoned halfway, which must not log an error with a stack.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/core/ports.js';
import { AUTH_FAILURE_POLICY } from '../../src/http/middleware/auth-failures.js';
import { MAX_ALERTS_PER_REQUEST } from '../../src/http/routes/webhooks.js';
import { startTestApp, type TestApp, WEBHOOK_TOKEN } from '../helpers/app-harness.js';
import { appWith, post, problemOf } from './harness.js';

interface Line {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string;
}
const lines: Line[] = [];
const logger: Logger = {
  debug: (fields, message) => lines.push({ level: 'debug', fields: fields as Record<string, unknown>, message }),
  info: (fields, message) => lines.push({ level: 'info', fields: fields as Record<string, unknown>, message }),
  warn: (fields, message) => lines.push({ level: 'warn', fields: fields as Record<string, unknown>, message }),
  error: (fields, message) => lines.push({ level: 'error', fields: fields as Record<string, unknown>, message }),
};

let test: TestApp;
beforeAll(async () => {
  test = await startTestApp({ start: { logger } });
});
afterAll(async () => {
  await test?.close();
});

const alert = (id: string) => JSON.stringify({ id, title: 'Orders API 429' });

describe('failed bearer tokens', () => {
  it('logs each 401 at warn with the address, then answers 429 to that address without logging more', async () => {
    const send = (token: string) =>
      fetch(`${test.url}/webhooks/generic`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: alert(`guess-${token}`),
      });
    lines.length = 0;
    for (let i = 0; i < AUTH_FAILURE_POLICY.limit; i++) expect((await send(`guess-${i}`)).status).toBe(401);
    const warned = lines.filter((l) => l.level === 'warn' && l.message.includes('authentication failed'));
    expect(warned).toHaveLength(AUTH_FAILURE_POLICY.limit);
    expect(warned[0]?.fields).toMatchObject({ reason: 'wrong-token', address: expect.stringContaining('127.0.0.1') });

    const refused = await send('one-more');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await problemOf(refused)).type).toBe('https://apierr.dev/problems/rate-limited');
    // Refused before the token is compared: the right token waits too, until the quota refills.
    expect((await send(WEBHOOK_TOKEN)).status).toBe(429);
    const after = lines.filter((l) => l.level === 'warn' && l.message.includes('authentication failed'));
    expect(after).toHaveLength(AUTH_FAILURE_POLICY.limit);
  });
});

describe('alerts per request', () => {
  it(`refuses a generic batch over ${MAX_ALERTS_PER_REQUEST} alerts with 413, naming the limit`, async () => {
    const app = appWith(test, { WEBHOOK_TOKEN: 'cap' });
    const batch = JSON.stringify(
      Array.from({ length: MAX_ALERTS_PER_REQUEST + 1 }, (_, i) => ({ id: `cap-${i}`, title: 'x' })),
    );
    const res = await post(app, '/webhooks/generic', batch, { authorization: 'Bearer cap' });
    expect(res.status).toBe(413);
    const problem = await problemOf(res);
    expect(problem.detail).toContain(String(MAX_ALERTS_PER_REQUEST));
    expect(problem.errors?.[0]?.pointer).toBe('');
  });

  it('refuses an Alertmanager group over the limit, pointing at /alerts, and stores none of it', async () => {
    const app = appWith(test, { WEBHOOK_TOKEN: 'cap' });
    const alerts = Array.from({ length: MAX_ALERTS_PER_REQUEST + 1 }, (_, i) => ({
      status: 'firing',
      labels: { alertname: `CapTest${i}` },
      annotations: {},
      startsAt: '2025-06-10T09:00:00Z',
      fingerprint: `cap${i}`,
    }));
    const res = await post(app, '/webhooks/alertmanager', JSON.stringify({ version: '4', alerts }), {
      authorization: 'Bearer cap',
    });
    expect(res.status).toBe(413);
    expect((await problemOf(res)).errors?.[0]?.pointer).toBe('/alerts');
    expect(await test.server.services.store.findAlertByMessage('x', 'y')).toBeUndefined();
  });

  it(`accepts a batch of exactly ${MAX_ALERTS_PER_REQUEST}`, async () => {
    const app = appWith(test, { WEBHOOK_TOKEN: 'cap' });
    const batch = JSON.stringify(
      Array.from({ length: MAX_ALERTS_PER_REQUEST }, (_, i) => ({ id: `cap-ok-${i}`, title: 'x' })),
    );
    expect((await post(app, '/webhooks/generic', batch, { authorization: 'Bearer cap' })).status).toBe(202);
  });
});

describe('a body abandoned halfway', () => {
  it('is answered 400 and logged at debug, never as an error with a stack trace', async () => {
    const app = appWith(test, { WEBHOOK_TOKEN: 'abort' });
    lines.length = 0;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"id":"abandoned","ti'));
        controller.error(new Error('aborted'));
      },
    });
    const res = await app.request('/webhooks/generic', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer abort' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status, JSON.stringify(lines.filter((l) => l.level === 'error'))).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(lines.some((l) => l.level === 'debug' && l.message.includes('aborted'))).toBe(true);
  });
});
