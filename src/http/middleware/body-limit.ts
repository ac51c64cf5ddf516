/**
 * Refuses bodies over a size, like Hono's bodyLimit, but decides from Content-Length when the sender gave
 * one, without touching the request stream: on @hono/node-server, reading `c.req.raw.body` turns the
 * lightweight request into a full web Request, which cost more CPU per webhook than storing it.
 * Chunked bodies (no Content-Length) still go through Hono's streaming check.
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

export function limitBody(maxSize: number, onError: (c: Context) => Response | Promise<Response>): MiddlewareHandler {
  const streaming = bodyLimit({ maxSize, onError });
  return async (c, next) => {
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      const length = Number(declared);
      if (!Number.isInteger(length) || length < 0 || length > maxSize) return onError(c);
      await next();
      return undefined;
    }
    return streaming(c, next);
  };
}
