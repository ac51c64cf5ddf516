/**
 * The webhook rate limit as Hono middleware: 429 problem+json with `Retry-After` when a sender is over
 * its quota, and the IETF `RateLimit-Policy` / `RateLimit` headers (draft-ietf-httpapi-ratelimit-headers)
 * on every answer past it, so a well-behaved sender can slow down before it is refused.
 * @module
 * @example
 * app.post('/:source', requireWebhookAuth(), webhookRateLimit(createRateLimiter()), handler);
 */
import type { Context, MiddlewareHandler } from 'hono';
import { addressKey } from '../../core/security/address.js';
import type { RateLimitDecision, RateLimiter } from '../../core/security/rate-limit.js';
import { problem } from '../problem.js';
import type { HttpServices } from '../services.js';
import { clientAddress } from './client-address.js';

type Env = { Variables: { services: HttpServices } };

export const WEBHOOK_POLICY = 'webhooks';

/** `RateLimit-Policy: "webhooks";q=6000;w=60` and `RateLimit: "webhooks";r=5999;t=1` (structured fields). */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  const { name, limit, windowSeconds } = decision.policy;
  return {
    'ratelimit-policy': `"${name}";q=${limit};w=${windowSeconds}`,
    ratelimit: `"${name}";r=${decision.remaining};t=${decision.resetSeconds}`,
  };
}

/**
 * Who the sender is. This runs after authentication, so for a source with a bearer token the token is
 * the configured one and the source name identifies it; senders that present no token (signature-only
 * or open sources) are told apart by their address, IPv6 by its /64.
 */
function senderKey(c: Context<Env>, source: string): string {
  const auth = c.var.services.frontDoor.webhooks[source];
  if (auth?.token !== undefined) return `${source} token`;
  return `${source} address ${addressKey(clientAddress(c)) ?? 'unknown'}`;
}

export function webhookRateLimit(limiter: RateLimiter): MiddlewareHandler<Env> {
  return async (c, next) => {
    const { frontDoor, clock } = c.var.services;
    if (frontDoor.webhookRateLimit <= 0) return next();
    const source = c.req.param('source') ?? '';
    // A runtime with many isolates brings its own limiter, counted in the store.
    const decision = await (c.var.services.rateLimiter ?? limiter).take(senderKey(c, source), clock.now(), {
      name: WEBHOOK_POLICY,
      limit: frontDoor.webhookRateLimit,
      windowSeconds: 60,
    });
    const headers = rateLimitHeaders(decision);
    if (!decision.allowed) {
      return problem(
        c,
        {
          type: 'rate-limited',
          title: 'Too many requests',
          status: 429,
          detail: `This sender is over ${decision.policy.limit} requests per minute; retry after ${decision.resetSeconds} s.`,
        },
        { ...headers, 'retry-after': String(decision.resetSeconds) },
      );
    }
    // Set before the handler answers: Hono then writes them with the response. Setting them afterwards
    // would edit a finished Response, which on Node turns the fast response path into the slow one.
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
    await next();
    return undefined;
  };
}
