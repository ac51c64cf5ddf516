/**
 * Refuses bodies over a size, like Hono's bodyLimit, but decides from Content-Length when the sender gave
 * one, without touching the request stream: on @hono/node-server, reading `c.req.raw.body` turns the
 * lightweight request into a full web Request, which cost more CPU per webhook than storing it.
 * Chunked bodies (no Content-Length) still go through Hono's streaming check.
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { problem } from '../problem.js';

/** Answers 413 problem+json over `maxSize` bytes; `detail` says what the limit is for the caller. */
export function limitBody(maxSize: number, detail = `The body is over ${maxSize} bytes.`): MiddlewareHandler {
  const onError = (c: Context) =>
    problem(c, { type: 'payload-too-large', title: 'Payload too large', status: 413, detail });
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
