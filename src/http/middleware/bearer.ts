/**
 * Bearer-token checks for webhook senders and `/api/*`, answering 401 as problem+json.
 * The comparison takes the same time however much of a wrong token was right.
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono';
import { problem } from '../problem.js';
import { recordAuthFailure, refuseRepeatedFailures } from './auth-failures.js';

const encoder = new TextEncoder();

/**
 * Constant-time in the secret: every byte of the presented token is compared (against the expected one,
 * wrapped around), so the time depends only on the presented length, which the caller already knows.
 * Synchronous on purpose: an async Web Crypto digest per request was a measurable share of the ingest CPU.
 */
export function tokensEqual(presented: string, expected: string): boolean {
  const a = encoder.encode(presented);
  const b = encoder.encode(expected);
  if (b.length === 0) return false;
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i % b.length] as number);
  return difference === 0;
}

export function bearerToken(c: Context): string | undefined {
  const header = c.req.header('authorization');
  const found = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  return found?.[1];
}

/**
 * Requires `Authorization: Bearer <token>`. `expected` returns undefined when no token is configured:
 * then the route is closed (`unconfigured` says how to open it) rather than silently public.
 */
export function requireBearer(expected: (c: Context) => string | undefined, unconfigured: string): MiddlewareHandler {
  return async (c, next) => {
    const limited = refuseRepeatedFailures(c);
    if (limited) return limited;
    const token = expected(c);
    const presented = bearerToken(c);
    const unauthorized = (detail: string, reason: string) => {
      recordAuthFailure(c, { reason, header: 'Authorization' });
      return problem(
        c,
        { type: 'unauthorized', title: 'Unauthorized', status: 401, detail, field: 'Authorization' },
        { 'www-authenticate': 'Bearer realm="apierr"' },
      );
    };
    if (token === undefined) return unauthorized(unconfigured, 'not-configured');
    if (!presented) return unauthorized('Send "Authorization: Bearer <token>".', 'missing-token');
    if (!tokensEqual(presented, token)) return unauthorized('The bearer token is not valid.', 'wrong-token');
    await next();
    return undefined;
  };
}
