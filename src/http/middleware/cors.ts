/**
 * CORS for `/api/*`, only when `CORS_ORIGINS` lists exact origins. A listed origin gets Hono's CORS
 * headers for itself alone; any other origin gets no CORS header at all, and its preflight a 403. Never
 * `*`, never an echo of whatever Origin a page sends (the seeds' "CORS too open" case).
 * @module
 * @example
 * app.use('/api/*', apiCors());
 */
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { problem } from '../problem.js';
import type { HttpServices } from '../services.js';

type Env = { Variables: { services: HttpServices } };

const CORS_OPTIONS = {
  allowMethods: ['GET', 'POST'],
  // Listed, not echoed from Access-Control-Request-Headers: these are all the API reads.
  allowHeaders: ['Authorization', 'Content-Type'],
  exposeHeaders: ['RateLimit', 'RateLimit-Policy', 'Retry-After'],
  maxAge: 600,
};

export function apiCors(): MiddlewareHandler<Env> {
  // One Hono middleware per distinct origin list (one on Node; per configuration on Workers).
  const cache = new Map<string, MiddlewareHandler>();
  const forOrigins = (origins: readonly string[]) => {
    const cacheKey = origins.join(',');
    let middleware = cache.get(cacheKey);
    if (!middleware) {
      const allowed = new Set(origins);
      middleware = cors({ ...CORS_OPTIONS, origin: (origin) => (allowed.has(origin) ? origin : null) });
      cache.set(cacheKey, middleware);
    }
    return middleware;
  };

  return async (c, next) => {
    const origins = c.var.services.frontDoor.corsOrigins;
    if (origins.length === 0) return next();
    const origin = c.req.header('origin');
    if (origin !== undefined && origins.includes(origin)) return forOrigins(origins)(c, next);
    if (origin !== undefined && c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
      return problem(
        c,
        {
          type: 'forbidden-origin',
          title: 'Origin not allowed',
          status: 403,
          detail: 'This origin is not in CORS_ORIGINS.',
          field: 'Origin',
        },
        { vary: 'Origin' },
      );
    }
    await next();
    // The answer depends on Origin once CORS is configured: caches must not hand a listed origin's to others.
    c.header('Vary', 'Origin', { append: true });
    return undefined;
  };
}
