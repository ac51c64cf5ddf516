/**
 * `GET /metrics`: the Prometheus text exposition, behind `METRICS_TOKEN` as a bearer token when one is
 * set (Prometheus' scrape_config `authorization: { type: Bearer, credentials: ... }`), open otherwise.
 * Served on the main port, or only on `METRICS_PORT` when the operator asks for a port of its own
 * (`createMetricsApp`), so it can be firewalled apart from the webhooks.
 * @module
 * @example
 * app.get('/metrics', serveMetrics((c) => c.var.services.metricsEndpoint));
 */
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import type { MetricsExposition } from '../../core/metrics.js';
import { requireBearer } from '../middleware/bearer.js';
import { requestIds } from '../middleware/request-id.js';
import { problem } from '../problem.js';

export interface MetricsEndpoint {
  exposition: MetricsExposition;
  /** `METRICS_TOKEN`: scrapers must present it as a bearer token; undefined = open. */
  token: string | undefined;
}

/** Answers the scrape, or 404 when metrics are not served here (none configured, or on METRICS_PORT). */
export function serveMetrics(endpoint: (c: Context) => MetricsEndpoint | undefined): MiddlewareHandler {
  return async (c) => {
    const found = endpoint(c);
    if (!found) {
      return problem(c, { type: 'not-found', title: 'Not found', status: 404, detail: 'No metrics are served here.' });
    }
    const answer = async () => {
      const body = await found.exposition.render();
      return c.body(body, 200, { 'content-type': found.exposition.contentType, 'cache-control': 'no-store' });
    };
    if (found.token === undefined) return answer();
    return requireBearer(() => found.token, 'Set METRICS_TOKEN.')(c, async () => {
      c.res = await answer();
    });
  };
}

/** The app of its own that `METRICS_PORT` serves: `GET /metrics` and nothing else. */
export function createMetricsApp(endpoint: MetricsEndpoint): Hono {
  const app = new Hono();
  app.use('*', requestIds());
  app.get(
    '/metrics',
    serveMetrics(() => endpoint),
  );
  app.notFound((c) =>
    problem(c, { type: 'not-found', title: 'Not found', status: 404, detail: 'This port serves GET /metrics only.' }),
  );
  return app;
}
