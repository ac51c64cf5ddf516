/**
 * apierr on Cloudflare Workers + D1: the same Hono app, core and store as on Node, with
 * - D1 as the store (each unit of work one `db.batch`),
 * - a Durable Object per Slack channel as the outbox's single drainer (its alarm paces posts and sleeps until
 *   Retry-After; the lease in the store still guards against a second drainer),
 * - the webhook rate limit counted in D1, so every isolate sees the same quota,
 * - Slack over `fetch` and the transport-free Slack endpoint (Bolt and @slack/web-api need Node),
 * - Cron Triggers for retention and for deliveries whose wake-up was lost.
 * With this file and node.ts the only ones that read the environment.
 * @module
 */

import packageJson from '../../package.json' with { type: 'json' };
import { createAlertmanagerSilences } from '../alertmanager/client.js';
import { SOURCE_NAMES, SOURCES } from '../core/alerts/sources/index.js';
import { type Config, parseConfig } from '../core/config.js';
import { parseBundle } from '../core/knowledge/bundle.js';
import { createMatcher, type Matcher } from '../core/knowledge/matcher.js';
import type { Entry } from '../core/knowledge/schema.js';
import { METRIC_DEFINITIONS } from '../core/metrics.js';
import { type BufferedMetrics, bufferedMetrics } from '../core/metrics-buffer.js';
import { type StoredSeries, storedExposition } from '../core/metrics-exposition.js';
import type { Clock, Logger, SlackPort } from '../core/ports.js';
import { createSharedRateLimiter } from '../core/security/shared-rate-limit.js';
import { DEFAULT_RETRY } from '../core/use-cases/deliver.js';
import { drainChannel } from '../core/use-cases/drain-outbox.js';
import { type CoreServices, indexEntries } from '../core/use-cases/services.js';
import { KNOWLEDGE_BUNDLE_JSON } from '../generated/knowledge-bundle.js';
import { createApp } from '../http/app.js';
import type { HttpServices } from '../http/services.js';
import { createFetchSlack } from '../slack/fetch-web-api.js';
import { createSlackEndpoint } from '../slack/http-endpoint.js';
import { meteredSlack } from '../slack/metered.js';
import { createOfflineSlack } from '../slack/offline.js';
import { createSlackRouter, fetchRespond } from '../slack/router.js';
import { type D1Like, openD1Store } from '../store/d1-store.js';

// The few Workers types used here, declared locally so that one tsconfig serves Node and Workers code.
interface ExecutionContextLike {
  waitUntil(promise: Promise<unknown>): void;
}
interface DurableObjectStubLike {
  fetch(input: string, init?: RequestInit): Promise<Response>;
}
interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  get(id: unknown): DurableObjectStubLike;
}
interface DurableObjectStateLike {
  id: { toString(): string };
  storage: {
    get<T>(key: string): Promise<T | undefined>;
    put(key: string, value: unknown): Promise<void>;
    getAlarm(): Promise<number | null>;
    setAlarm(at: number): Promise<void>;
  };
}

export interface WorkerEnv {
  DB: D1Like;
  CHANNEL_DRAINER: DurableObjectNamespaceLike;
  [variable: string]: unknown;
}

/** Cron expression that prunes past retention (wrangler.toml); every other cron only wakes stragglers. */
const RETENTION_CRON = '17 */6 * * *';
const DAY_MS = 24 * 60 * 60 * 1000;

// Built once per isolate: the configuration, the knowledge base and its matcher do not change while it lives.
let cached: { vars: string; config: Config; logger: Logger; slack: SlackPort } | undefined;
let knowledge: { matcher: Matcher; entries: ReadonlyMap<string, Entry>; entryIds: string[]; size: number } | undefined;

function configOf(env: WorkerEnv): { config: Config; logger: Logger; slack: SlackPort } {
  const vars = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
  const key = JSON.stringify(vars);
  if (cached?.vars !== key) {
    const config = parseConfig(vars);
    const logger = consoleLogger(config.logLevel);
    // One Slack client per isolate: it caches the workspace id (auth.test), and offline ts stay unique.
    const slack = config.slack
      ? createFetchSlack({ token: config.slack.botToken, apiUrl: config.slack.apiUrl, logger })
      : createOfflineSlack(logger);
    cached = { vars: key, config, logger, slack };
  }
  return cached;
}

function knowledgeBase() {
  if (!knowledge) {
    const bundle = parseBundle(KNOWLEDGE_BUNDLE_JSON);
    knowledge = {
      matcher: createMatcher(bundle.entries),
      entries: indexEntries(bundle.entries),
      entryIds: bundle.entries.map((entry) => entry.id),
      size: bundle.entries.length,
    };
  }
  return knowledge;
}

const clock: Clock = { now: () => Date.now() };

/** Counters of one request (or one drainer pass), added up in D1 when it ends: every isolate sees the sums. */
function newMetrics(): BufferedMetrics {
  return bufferedMetrics({ sources: SOURCE_NAMES, entryIds: knowledgeBase().entryIds });
}

function coreServices(env: WorkerEnv, metrics: BufferedMetrics): CoreServices & { config: Config } {
  const { config, logger, slack } = configOf(env);
  const { matcher, entries } = knowledgeBase();
  return {
    config,
    store: openD1Store(env.DB),
    slack: meteredSlack(slack, { metrics, logger }),
    metrics,
    matcher,
    entries,
    clock,
    logger,
    alertChannel: config.slack?.alertChannel ?? config.alertChannel,
    storm: config.storm,
    silences: config.alertmanager ? createAlertmanagerSilences(config.alertmanager) : undefined,
    listen: config.listen,
    allowedChannels: config.allowedChannels,
  };
}

/** Wakes the drainer of every channel with due work (after a webhook, and from the cron for stragglers). */
async function kickDueChannels(core: CoreServices, env: WorkerEnv): Promise<void> {
  const channels = await core.store.dueChannels(core.clock.now(), 100);
  await Promise.all(
    channels.map((channel) =>
      env.CHANNEL_DRAINER.get(env.CHANNEL_DRAINER.idFromName(channel)).fetch(
        `https://drainer/kick?channel=${encodeURIComponent(channel)}`,
        { method: 'POST' },
      ),
    ),
  );
}

function httpServices(env: WorkerEnv, ctx: ExecutionContextLike, metrics: BufferedMetrics): HttpServices {
  const core = coreServices(env, metrics);
  const { config, logger } = core;
  // Work after the answer counts too (Slack calls from buttons, the App Home): each task stores its metrics
  // when it ends, since the request's own flush has already run by then.
  const defer = (task: () => Promise<void>) =>
    ctx.waitUntil(
      task()
        .catch((error: unknown) => logger.error({ err: String(error) }, 'deferred task failed'))
        .finally(() => flushMetrics(core, metrics)),
    );
  const respond = fetchRespond(logger);
  const slackEvents = config.slack
    ? createSlackEndpoint({
        signingSecret: config.slack.signingSecret,
        clock,
        logger,
        router: createSlackRouter(core, respond, { drainOutbox: () => kickDueChannels(core, env) }),
        defer,
        respond,
      })
    : undefined;
  return {
    ...core,
    defer,
    drainOutbox: () => kickDueChannels(core, env),
    sources: SOURCES,
    frontDoor: config.frontDoor,
    apiToken: config.apiToken,
    slackEvents,
    // Socket Mode needs a long-lived WebSocket client: on Workers, Slack reaches apierr over HTTP.
    slackMode: config.slack ? 'http' : 'offline',
    clientAddress: (c) => c.req.header('cf-connecting-ip'),
    rateLimiter: createSharedRateLimiter(core.store),
    metricsEndpoint: { exposition: workerExposition(core), token: config.metrics.token },
  };
}

/** `/metrics` on the Worker: the counters every isolate added to D1, and gauges read at scrape time. */
function workerExposition(core: CoreServices) {
  return storedExposition({
    counters: () => core.store.counters(),
    gauges: async (): Promise<StoredSeries[]> => {
      const backlog = await core.store.outboxBacklog();
      const D = METRIC_DEFINITIONS;
      return [
        { name: D.outboxPending.name, labels: {}, value: backlog.pending },
        {
          name: D.outboxOldestAge.name,
          labels: {},
          value:
            backlog.pending > 0 && backlog.oldestCreatedAt !== undefined
              ? Math.max(0, (core.clock.now() - backlog.oldestCreatedAt) / 1000)
              : 0,
        },
        { name: D.knowledgeEntries.name, labels: {}, value: knowledgeBase().size },
        { name: D.buildInfo.name, labels: { version: packageJson.version, runtime: 'cloudflare-workers' }, value: 1 },
      ];
    },
  });
}

/** Adds what a request or a drainer pass counted to the shared counters (nothing when it counted nothing). */
function flushMetrics(core: Pick<CoreServices, 'store' | 'logger'>, metrics: BufferedMetrics): Promise<void> {
  const increments = metrics.drain();
  if (increments.length === 0) return Promise.resolve();
  return core.store
    .addCounters(increments)
    .catch((error: unknown) => core.logger.warn({ err: String(error) }, 'could not store metrics'));
}

type RequestEnv = WorkerEnv & { [METRICS]: BufferedMetrics };
const METRICS = Symbol('metrics');

const app = createApp((c) => {
  const env = c.env as RequestEnv;
  return httpServices(env, c.executionCtx as ExecutionContextLike, env[METRICS]);
});

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContextLike): Promise<Response> {
    const metrics = newMetrics();
    const response = await app.fetch(request, { ...env, [METRICS]: metrics }, ctx as never);
    ctx.waitUntil(flushMetrics({ store: openD1Store(env.DB), logger: configOf(env).logger }, metrics));
    return response;
  },

  async scheduled(event: { cron: string }, env: WorkerEnv, ctx: ExecutionContextLike): Promise<void> {
    const core = coreServices(env, newMetrics());
    ctx.waitUntil(
      (async () => {
        if (event.cron === RETENTION_CRON) {
          const pruned = await core.store.prune(core.clock.now() - core.config.retentionDays * DAY_MS);
          if (pruned > 0) core.logger.info({ pruned, retentionDays: core.config.retentionDays }, 'pruned old alerts');
        }
        await kickDueChannels(core, env);
      })().catch((error: unknown) => core.logger.error({ err: String(error) }, 'scheduled work failed')),
    );
  },
};

/**
 * The outbox's drainer for one Slack channel. Durable Objects run one at a time per id, so there is one
 * drainer per channel however many isolates receive webhooks; its alarm wakes it when the channel may post
 * again (pacing, Retry-After, a retry's backoff).
 */
export class ChannelDrainer {
  constructor(
    private readonly state: DurableObjectStateLike,
    private readonly env: WorkerEnv,
  ) {}

  async fetch(request: Request): Promise<Response> {
    const channel = new URL(request.url).searchParams.get('channel');
    if (!channel) return new Response('channel is required', { status: 400 });
    if ((await this.state.storage.get<string>('channel')) !== channel) await this.state.storage.put('channel', channel);
    const alarm = await this.state.storage.getAlarm();
    // An alarm already due within a second serves this kick too (a webhook storm is one wake-up, not many).
    if (alarm === null || alarm > Date.now() + 1000) await this.state.storage.setAlarm(Date.now());
    return new Response(null, { status: 204 });
  }

  async alarm(): Promise<void> {
    const channel = await this.state.storage.get<string>('channel');
    if (!channel) return;
    const metrics = newMetrics();
    const core = coreServices(this.env, metrics);
    const result = await drainChannel(core, channel, `do:${this.state.id.toString()}`, {
      pacingMs: core.config.postIntervalMs,
      policy: DEFAULT_RETRY,
    }).finally(() => flushMetrics(core, metrics));
    // Held by another drainer (a lease left by an evicted instance): look again when it may have run out.
    const next = result.held ? 5_000 : result.nextInMs;
    if (next !== undefined) await this.state.storage.setAlarm(Date.now() + next);
  }
}

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity } as const;

/** JSON lines on the console: what Workers Logs indexes. Same fields as pino's on Node. */
function consoleLogger(level: string): Logger {
  const threshold = LEVELS[level as keyof typeof LEVELS] ?? LEVELS.info;
  const at =
    (name: 'debug' | 'info' | 'warn' | 'error') =>
    (fields: object, msg: string): void => {
      if (LEVELS[name] < threshold) return;
      const line = JSON.stringify({ level: LEVELS[name], time: Date.now(), app: 'apierr', ...fields, msg });
      if (name === 'error') console.error(line);
      else if (name === 'warn') console.warn(line);
      else console.log(line);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
