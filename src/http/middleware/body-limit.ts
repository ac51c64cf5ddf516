/**
 * Refuses bodies over a size, like Hono's bodyLimit, but decides from Content-Length when the sender gave
 * one, without touching the request stream: on @hono/node-server, reading `c.req.raw.body` turns the
 * lightweight request into a full web Request, which cost more CPU per webhook than storing it.
 * Chunked bodies (no Content-Length) still go through Hono's streaming check.
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from '../../core/ports.js';
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
    // Hono's check reads the whole stream; a sender that goes away mid-body makes that read throw. Nobody is
    // left to read the answer and it is no fault of apierr's: a debug line, not an error with a stack trace.
    let reachedNext = false;
    try {
      return await streaming(c, async () => {
        reachedNext = true;
        await next();
      });
    } catch (error) {
      if (reachedNext) throw error;
      const logger = (c.get('services') as { logger?: Logger } | undefined)?.logger;
      logger?.debug(
        { path: new URL(c.req.url).pathname, reason: (error as Error).message },
        'request body not read: aborted',
      );
      return problem(c, {
        type: 'invalid-payload',
        title: 'Request body not received',
        status: 400,
        detail: 'The body could not be read to its end.',
      });
    }
  };
}
