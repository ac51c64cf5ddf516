/**
 * Metrics on Node, wired in one place so that the runtime only plugs them in: the prom-client registry,
 * the outbox gauges read from SQLite at scrape time, and the `GET /metrics` endpoint on the main app or,
 * when `METRICS_PORT` is set, on a listener of its own (then the main app answers 404 there).
 * @module
 * @example
 * const nodeMetrics = createNodeMetrics(config.metrics, { store, entryIds, clock });
 * const services = { ...core, metrics: nodeMetrics.metrics, metricsEndpoint: nodeMetrics.mainEndpoint };
 * const metricsUrl = await nodeMetrics.listen('127.0.0.1');
 */
import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { SOURCE_NAMES } from '../core/alerts/sources/index.js';
import type { Config } from '../core/config.js';
import type { Metrics } from '../core/metrics.js';
import type { AlertStore, Clock } from '../core/ports.js';
import { createMetricsApp, type MetricsEndpoint } from '../http/routes/metrics.js';
import { outboxBacklog } from '../store/outbox-backlog.js';
import { createPromMetrics } from './prom.js';

/** apierr's version, for apierr_build_info (package.json is two levels up from src/metrics and dist/metrics). */
const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface NodeMetrics {
  metrics: Metrics;
  /** For the main app's `GET /metrics`; undefined when metrics have a port of their own. */
  mainEndpoint: MetricsEndpoint | undefined;
  /** Opens the METRICS_PORT listener, if configured; resolves with its base URL (undefined without one). */
  listen(hostname: string): Promise<string | undefined>;
  close(): Promise<void>;
}

export function createNodeMetrics(
  config: Config['metrics'],
  options: { store: AlertStore; entryIds: readonly string[]; clock: Clock },
): NodeMetrics {
  const prom = createPromMetrics({
    sources: SOURCE_NAMES,
    entryIds: options.entryIds,
    version: VERSION,
    runtime: `node ${process.version}`,
    backlog: () => outboxBacklog(options.store, options.clock.now()),
  });
  const endpoint: MetricsEndpoint = { exposition: prom.exposition, token: config.token };
  let server: ReturnType<typeof serve> | undefined;

  return {
    metrics: prom.metrics,
    mainEndpoint: config.port === undefined ? endpoint : undefined,
    async listen(hostname) {
      if (config.port === undefined) return undefined;
      const port = await new Promise<number>((resolve) => {
        server = serve({ fetch: createMetricsApp(endpoint).fetch, port: config.port, hostname }, (info) =>
          resolve(info.port),
        );
      });
      return `http://127.0.0.1:${port}`;
    },
    close() {
      return new Promise<void>((resolve) => {
        if (!server) return resolve();
        server.close(() => resolve());
        // A scraper's keep-alive connection would hold the close open; a scrape in flight may be cut.
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}
