/**
 * Which methods a path answers to, from the app's own route table, so a wrong method gets
 * `405 Method Not Allowed` with an `Allow` header (RFC 9110 15.5.6) instead of a misleading 404.
 * @module
 * @example
 * app.notFound((c) => {
 *   const allow = allowedMethods(app.routes, new URL(c.req.url).pathname);
 *   return allow.length ? methodNotAllowed(c, allow) : notFound(c);
 * });
 */

export interface RouteLike {
  method: string;
  path: string;
}

/** `/webhooks/:source` -> /^\/webhooks\/[^/]+$/; `*` matches anything. */
function patternOf(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) return '[^/]+';
      if (segment === '*') return '.*';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/** The methods with a handler for `pathname`, HEAD included wherever GET is (Hono answers HEAD with GET). */
export function allowedMethods(routes: readonly RouteLike[], pathname: string): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    // ALL is middleware (`app.use`), not a handler that would answer.
    if (route.method === 'ALL' || !patternOf(route.path).test(pathname)) continue;
    methods.add(route.method);
    if (route.method === 'GET') methods.add('HEAD');
  }
  return [...methods].sort();
}
