/**
 * The client address on @hono/node-server: the socket's remote address.
 * @module
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

export function nodeClientAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    // No Node socket behind this request (c.env has no `incoming`).
    return undefined;
  }
}
