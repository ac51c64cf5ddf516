/**
 * One id per request: Hono's request-id middleware (a random UUID, or the sender's own `X-Request-Id`
 * when it is a plain token of at most 255 characters), made sure to reach every answer. Hono writes it
 * into answers built with `c.json()` and friends; an answer built as a raw `Response` (problem+json, the
 * Slack receiver's) gets it added afterwards.
 * @module
 * @example
 * app.use('*', requestIds());
 * app.get('/', (c) => c.text(c.get('requestId')));
 */
import type { MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';

export const REQUEST_ID_HEADER = 'X-Request-Id';

export function requestIds(): MiddlewareHandler {
  const assign = requestId({ headerName: REQUEST_ID_HEADER });
  return async (c, next) => {
    await assign(c, next);
    const id = c.get('requestId');
    if (id && !c.res.headers.has(REQUEST_ID_HEADER)) c.res.headers.set(REQUEST_ID_HEADER, id);
  };
}
