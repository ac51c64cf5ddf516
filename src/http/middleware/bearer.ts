/**
 * Bearer-token checks for webhook senders and `/api/*`, answering 401 as problem+json.
 * Compares digests, so the time taken does not reveal how much of a wrong token was right.
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono';
import { problem } from '../problem.js';

export async function tokensEqual(presented: string, expected: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [a, b] = await Promise.all([
    crypto.subtle.digest('SHA-256', encoder.encode(presented)),
    crypto.subtle.digest('SHA-256', encoder.encode(expected)),
  ]);
  const left = new Uint8Array(a);
  const right = new Uint8Array(b);
  let difference = 0;
  for (let i = 0; i < left.length; i++) difference |= (left[i] as number) ^ (right[i] as number);
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
    const token = expected(c);
    const presented = bearerToken(c);
    const unauthorized = (detail: string) =>
      problem(
        c,
        { type: 'unauthorized', title: 'Unauthorized', status: 401, detail, field: 'Authorization' },
        { 'www-authenticate': 'Bearer realm="apierr"' },
      );
    if (token === undefined) return unauthorized(unconfigured);
    if (!presented) return unauthorized('Send "Authorization: Bearer <token>".');
    if (!(await tokensEqual(presented, token))) return unauthorized('The bearer token is not valid.');
    await next();
    return undefined;
  };
}
