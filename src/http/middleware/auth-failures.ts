/**
 * Failed authentication, per client address: each 401 (a wrong or missing bearer token, a bad webhook
 * signature) is logged at warn with the address, and an address past {@link AUTH_FAILURE_POLICY} is
 * answered 429 with `Retry-After`, before its token is even compared, until its quota refills. Once
 * refused, it is not logged again, so a stranger cannot flood the log without credentials either.
 *
 * Requests whose address is unknown (no socket behind them: `app.request()` in tests, runtimes without
 * connection info) are logged but not limited: one shared bucket would let a single stranger lock out
 * every sender.
 * @module
 */
import type { Context } from 'hono';
import { addressKey } from '../../core/security/address.js';
import { createRateLimiter, type MemoryRateLimiter } from '../../core/security/rate-limit.js';
import { problem } from '../problem.js';
import type { HttpServices } from '../services.js';
import { clientAddress } from './client-address.js';
import { rateLimitHeaders } from './rate-limit.js';

/** Failed attempts an address may make per minute: enough for a sender with a typo, far too few to guess. */
export const AUTH_FAILURE_POLICY = { name: 'auth-failures', limit: 30, windowSeconds: 60 } as const;

// One limiter per services object: one per process on Node, one per app in tests.
const limiters = new WeakMap<object, MemoryRateLimiter>();

function limiterOf(services: HttpServices): MemoryRateLimiter {
  let limiter = limiters.get(services);
  if (!limiter) {
    limiter = createRateLimiter();
    limiters.set(services, limiter);
  }
  return limiter;
}

const servicesOf = (c: Context) => c.get('services') as HttpServices;

/** The 429 for an address that failed too often lately, or undefined to go on checking. */
export function refuseRepeatedFailures(c: Context): Response | undefined {
  const key = addressKey(clientAddress(c));
  if (key === undefined) return undefined;
  const services = servicesOf(c);
  const decision = limiterOf(services).peek(key, services.clock.now(), AUTH_FAILURE_POLICY);
  if (decision.allowed) return undefined;
  return problem(
    c,
    {
      type: 'rate-limited',
      title: 'Too many failed attempts',
      status: 429,
      detail: `This address failed to authenticate ${AUTH_FAILURE_POLICY.limit} times within a minute; retry after ${decision.resetSeconds} s.`,
    },
    { ...rateLimitHeaders(decision), 'retry-after': String(decision.resetSeconds) },
  );
}

/** Counts a failed attempt against the client's address and logs it (at warn, until the address is refused). */
export function recordAuthFailure(c: Context, fields: { reason: string; header: string }): void {
  const services = servicesOf(c);
  const address = clientAddress(c);
  const key = addressKey(address);
  const path = new URL(c.req.url).pathname;
  if (key === undefined) {
    services.logger.warn({ ...fields, path, address: 'unknown' }, 'refused a request: authentication failed');
    return;
  }
  const decision = limiterOf(services).take(key, services.clock.now(), AUTH_FAILURE_POLICY);
  if (decision.allowed) {
    services.logger.warn({ ...fields, path, address }, 'refused a request: authentication failed');
  } else {
    services.logger.debug(
      { ...fields, path, address },
      'refused a request: authentication failed (address over its limit)',
    );
  }
}
