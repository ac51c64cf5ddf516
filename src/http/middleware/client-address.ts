/**
 * The address of the peer that opened the connection, for keying the rate limit of senders that present
 * no token. Each runtime says how it knows the address (the socket on Node, `cf-connecting-ip` on
 * Workers) through `HttpServices.clientAddress`; the shared app never imports a runtime's adapter.
 * `X-Forwarded-For` is not read: it is whatever the sender wants it to be.
 * @module
 */
import type { Context } from 'hono';
import type { HttpServices } from '../services.js';

/** Undefined where the runtime cannot tell (`app.request()` in tests): such senders then share one quota. */
export function clientAddress(c: Context<{ Variables: { services: HttpServices } }>): string | undefined {
  try {
    return c.var.services.clientAddress?.(c);
  } catch {
    return undefined;
  }
}
