/**
 * The address of the peer that opened the connection, for keying the rate limit of senders that present
 * no token. Only the socket's address: `X-Forwarded-For` is whatever the sender wants it to be.
 * @module
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * The remote address on @hono/node-server; undefined elsewhere (`app.request()` in tests, other runtimes),
 * where such senders then share one quota per source rather than going unlimited.
 */
export function clientAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    // No Node socket behind this request (c.env has no `incoming`).
    return undefined;
  }
}
