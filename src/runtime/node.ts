/**
 * apierr on Node: the default runtime, and the only file besides worker.ts that reads the environment.
 * Parses the configuration once, opens (and migrates) the SQLite file, starts the outbox and serves the
 * Hono app on @hono/node-server; Slack through Bolt (HTTP or Socket Mode), or offline.
 * @module
 */
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import { pino } from 'pino';
import { createAlertmanagerSilences } from '../alertmanager/client.js';
import { SOURCES } from '../core/alerts/sources/index.js';
import { type Config, parseConfig } from '../core/config.js';
import { ApierrError } from '../core/errors.js';
import { createMatcher } from '../core/knowledge/matcher.js';
import type { Clock, Defer, Logger, SlackPort } from '../core/ports.js';
import { logFrontDoor } from '../core/security/webhook-auth.js';
import { DEFAULT_RETRY } from '../core/use-cases/deliver.js';
import { type CoreServices, indexEntries } from '../core/use-cases/services.js';
import { createApp } from '../http/app.js';
import type { HttpServices } from '../http/services.js';
import { createNodeMetrics } from '../metrics/node.js';
import { loadKnowledge } from '../node/load-knowledge.js';
import { createBoltSocketMode } from '../slack/bolt/app.js';
import { createSlackEndpoint } from '../slack/http-endpoint.js';
import { meteredSlack } from '../slack/metered.js';
import { createOfflineSlack } from '../slack/offline.js';
import { createSlackRouter, fetchRespond } from '../slack/router.js';
import { createWebApiSlack } from '../slack/web-api.js';
import { openThreadedSqliteStore } from '../store/sqlite-store.js';
import { nodeClientAddress } from './node-client-address.js';
import { createOutboxLoop } from './outbox-loop.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How long Socket Mode may take to connect before the start fails with a clear message. */
const SLACK_CONNECT_TIMEOUT_MS = 30_000;

async function withTimeout<T>(work: Promise<T> | undefined, ms: number, message: string): Promise<T | undefined> {
  if (!work) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ApierrError('config_invalid', `${message} within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
const PRUNE_EVERY_MS = 6 * 60 * 60 * 1000;

export interface RunningServer {
  url: string;
  port: number;
  /** Where GET /metrics is served: `url` itself, or the METRICS_PORT listener's base URL. */
  metricsUrl: string;
  config: Config;
  services: HttpServices;
  /** Stops accepting, finishes the delivery in flight, closes the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
  /** Listen on this host (tests use 127.0.0.1). */
  hostname?: string;
  /** Milliseconds between Slack posts to one channel (Slack allows about one per second). */
  pacingMs?: number;
  /** Milliseconds before a Slack call is abandoned (tests shorten it to exercise hangs). */
  slackTimeoutMs?: number;
  /** First retry delay of a failed Slack delivery; later ones back off exponentially from it. */
  retryBaseMs?: number;
  /** When alerts of one pattern share a storm digest (defaults: more than 5 within 2 minutes). */
  storm?: { threshold: number; windowMs: number };
}

export async function startServer(
  env: Readonly<Record<string, string | undefined>>,
  options: StartOptions = {},
): Promise<RunningServer> {
  const config = parseConfig(env);
  const logger: Logger = options.logger ?? pino({ level: config.logLevel, base: { app: 'apierr' } });
  const clock: Clock = options.clock ?? { now: () => Date.now() };

  // The database lives on a writer thread: commits and their fsyncs never stall request handling.
  const { store, close: closeStore } = openThreadedSqliteStore(config.databasePath);
  // The bundled entries plus the team's own folder; a bad file stops the start with file, line and field.
  const bundle = await loadKnowledge({ dir: config.knowledgeDir }).catch(async (error: unknown) => {
    await closeStore();
    throw error;
  });
  const matcher = createMatcher(bundle.entries);
  const nodeMetrics = createNodeMetrics(config.metrics, { store, entryIds: bundle.entries.map((e) => e.id), clock });

  const slack: SlackPort = config.slack
    ? meteredSlack(
        createWebApiSlack({
          token: config.slack.botToken,
          apiUrl: config.slack.apiUrl,
          logger,
          timeoutMs: options.slackTimeoutMs,
        }),
        { metrics: nodeMetrics.metrics, logger },
      )
    : createOfflineSlack(logger);
  const core: CoreServices = {
    store,
    slack,
    matcher,
    entries: indexEntries(bundle.entries),
    clock,
    logger,
    alertChannel: config.slack?.alertChannel ?? config.alertChannel,
    storm: options.storm ?? config.storm,
    silences: config.alertmanager ? createAlertmanagerSilences(config.alertmanager) : undefined,
    metrics: nodeMetrics.metrics,
    listen: config.listen,
    allowedChannels: config.allowedChannels,
  };
  const outbox = createOutboxLoop(core, {
    pacingMs: options.pacingMs ?? config.postIntervalMs,
    policy: options.retryBaseMs === undefined ? undefined : { ...DEFAULT_RETRY, baseDelayMs: options.retryBaseMs },
  });
  const defer: Defer = (task) => {
    void task().catch((error: unknown) => logger.error({ err: error }, 'deferred task failed'));
  };
  const respond = fetchRespond(logger);
  const router = createSlackRouter(core, respond, { drainOutbox: () => outbox.kick() });
  const slackConfig = config.slack;
  // HTTP mode is the same transport-free endpoint the Worker serves; Bolt holds Socket Mode's WebSocket.
  const bolt = slackConfig?.appToken
    ? createBoltSocketMode({ ...slackConfig, appToken: slackConfig.appToken }, { router, defer, logger })
    : undefined;
  const slackEvents =
    slackConfig && !slackConfig.appToken
      ? createSlackEndpoint({ signingSecret: slackConfig.signingSecret, clock, logger, router, defer, respond })
      : undefined;

  const services: HttpServices = {
    ...core,
    defer,
    drainOutbox: () => outbox.kick(),
    sources: SOURCES,
    frontDoor: config.frontDoor,
    apiToken: config.apiToken,
    slackEvents,
    clientAddress: nodeClientAddress,
    slackMode: config.slack ? (config.slack.appToken ? 'socket' : 'http') : 'offline',
    metricsEndpoint: nodeMetrics.mainEndpoint,
  };

  const app = createApp(services);
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve) => {
    const server = serve({ fetch: app.fetch, port: config.port, hostname: options.hostname ?? '0.0.0.0' }, (info) =>
      resolve({ server, port: info.port }),
    );
  });
  const url = `http://127.0.0.1:${port}`;
  const metricsUrl = (await nodeMetrics.listen(options.hostname ?? '0.0.0.0')) ?? url;
  outbox.start();
  // Retention: old alert payloads go, fix outcomes stay (they are what ranks the fixes).
  const prune = () =>
    store
      .prune(clock.now() - config.retentionDays * DAY_MS)
      .then(
        (pruned) =>
          pruned > 0 && logger.info({ pruned, retentionDays: config.retentionDays }, 'pruned old alert payloads'),
      )
      .catch((error: unknown) => logger.error({ err: error }, 'pruning failed'));
  void prune();
  const pruneTimer = setInterval(() => void prune(), PRUNE_EVERY_MS);
  pruneTimer.unref();
  try {
    await withTimeout(bolt?.start(), SLACK_CONNECT_TIMEOUT_MS, 'Slack Socket Mode did not connect');
  } catch (error) {
    // A start that fails must not leave the server, the outbox, the timers or the database open.
    clearInterval(pruneTimer);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await nodeMetrics.close();
    await outbox.stop();
    await bolt?.stop().catch(() => undefined);
    await closeStore();
    throw error instanceof ApierrError
      ? error
      : new ApierrError('config_invalid', `cannot connect to Slack: ${(error as Error).message}`);
  }

  logger.info(
    {
      port,
      database: config.databasePath,
      slack: config.slack ? (config.slack.appToken ? 'socket-mode' : 'http') : 'offline',
      channel: core.alertChannel,
      entries: bundle.entries.length,
      metrics: `${metricsUrl}/metrics`,
      metricsAuth: config.metrics.token ? 'bearer' : 'open',
    },
    config.slack ? 'apierr is listening' : 'apierr is listening in offline mode: Slack messages are logged, not sent',
  );
  logFrontDoor(logger, config.frontDoor);
  if (!config.apiToken) logger.warn({}, 'API_TOKEN is not set: /api/* answers 401');

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive connections would hold the close open until they time out.
        (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      });
      await nodeMetrics.close();
      clearInterval(pruneTimer);
      await bolt?.stop();
      await outbox.stop();
      await closeStore();
    })();
    return closing;
  };
  return { url, port, metricsUrl, config, services, close };
}

async function main(): Promise<void> {
  let running: RunningServer;
  try {
    running = await startServer(process.env);
  } catch (error) {
    if (error instanceof ApierrError) {
      // A configuration or knowledge problem: one clear line naming what to fix, no stack trace.
      process.stderr.write(`apierr: cannot start: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      running.services.logger.info({ signal }, 'draining: no new requests; finishing the Slack delivery in flight');
      void running.close().then(() => process.exit(0));
    });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
