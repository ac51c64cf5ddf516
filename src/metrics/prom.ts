/**
 * The Metrics port over prom-client (Node only): counters, gauges and histograms named by
 * `METRIC_DEFINITIONS`, in a registry of their own, exposed in the Prometheus text format.
 *
 * Label values are checked against fixed sets (the source names and the knowledge base's entry ids)
 * and anything else is counted as `other`, so the number of series cannot grow with what senders send.
 * The outbox gauges are read from the store when Prometheus scrapes, not kept in memory, so they are
 * right whichever replica delivered.
 * @module
 * @example
 * const prom = createPromMetrics({ sources: SOURCE_NAMES, entryIds, version: '0.1.0', backlog });
 * services.metrics = prom.metrics;
 * app.get('/metrics', async (c) => c.body(await prom.exposition.render()));
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import {
  boundedLabel,
  confidenceBucket,
  METRIC_DEFINITIONS as D,
  type Metrics,
  type MetricsExposition,
  NO_ENTRY,
  type OutboxBacklog,
  SLACK_METHODS,
  SLACK_OUTCOMES,
  SLASH_COMMAND_KINDS,
} from '../core/metrics.js';

export interface PromMetricsOptions {
  /** The webhook source names: the only values of the `source` label (else `other`). */
  sources: readonly string[];
  /** The knowledge base's entry ids: the only values of the `entry` label (else `other`). */
  entryIds: readonly string[];
  version: string;
  /** `runtime` label of apierr_build_info, e.g. `node v22.1.0`. */
  runtime: string;
  /** Reads the outbox at scrape time. */
  backlog: () => Promise<OutboxBacklog> | OutboxBacklog;
  /** Also expose prom-client's process and Node.js metrics (`process_*`, `nodejs_*`). Default true. */
  processMetrics?: boolean;
}

export interface PromMetrics {
  metrics: Metrics;
  exposition: MetricsExposition;
  registry: Registry;
}

export function createPromMetrics(options: PromMetricsOptions): PromMetrics {
  const registry = new Registry();
  const registers = [registry];
  const sources = new Set(options.sources);
  const entries = new Set([...options.entryIds, NO_ENTRY]);
  const source = (name: string) => boundedLabel(name, sources);

  const webhookRequests = new Counter({
    name: D.webhookRequests.name,
    help: D.webhookRequests.help,
    labelNames: D.webhookRequests.labels,
    registers,
  });
  const alertsReceived = new Counter({
    name: D.alertsReceived.name,
    help: D.alertsReceived.help,
    labelNames: D.alertsReceived.labels,
    registers,
  });
  const alertsMatched = new Counter({
    name: D.alertsMatched.name,
    help: D.alertsMatched.help,
    labelNames: D.alertsMatched.labels,
    registers,
  });
  const slackCalls = new Counter({
    name: D.slackCalls.name,
    help: D.slackCalls.help,
    labelNames: D.slackCalls.labels,
    registers,
  });
  const slackCallDuration = new Histogram({
    name: D.slackCallDuration.name,
    help: D.slackCallDuration.help,
    labelNames: D.slackCallDuration.labels,
    buckets: [...D.slackCallDuration.buckets],
    registers,
  });
  const retryAfter = new Histogram({
    name: D.retryAfter.name,
    help: D.retryAfter.help,
    buckets: [...D.retryAfter.buckets],
    registers,
  });
  const deliveriesFailed = new Counter({ name: D.deliveriesFailed.name, help: D.deliveriesFailed.help, registers });
  const digestsOpened = new Counter({ name: D.digestsOpened.name, help: D.digestsOpened.help, registers });
  const fixesRecorded = new Counter({
    name: D.fixesRecorded.name,
    help: D.fixesRecorded.help,
    labelNames: D.fixesRecorded.labels,
    registers,
  });
  const corrections = new Counter({ name: D.corrections.name, help: D.corrections.help, registers });
  const slashCommands = new Counter({
    name: D.slashCommands.name,
    help: D.slashCommands.help,
    labelNames: D.slashCommands.labels,
    registers,
  });

  // One read per scrape for both gauges: prom-client starts every collect() in the same tick, so the
  // second finds the first one's query in flight and shares it.
  let reading: Promise<OutboxBacklog> | undefined;
  const readBacklog = () => {
    reading ??= Promise.resolve()
      .then(options.backlog)
      .finally(() => {
        reading = undefined;
      });
    return reading;
  };
  new Gauge({
    name: D.outboxPending.name,
    help: D.outboxPending.help,
    registers,
    async collect() {
      this.set((await readBacklog()).pending);
    },
  });
  new Gauge({
    name: D.outboxOldestAge.name,
    help: D.outboxOldestAge.help,
    registers,
    async collect() {
      this.set((await readBacklog()).oldestAgeSeconds);
    },
  });
  new Gauge({ name: D.knowledgeEntries.name, help: D.knowledgeEntries.help, registers }).set(options.entryIds.length);
  new Gauge({
    name: D.buildInfo.name,
    help: D.buildInfo.help,
    labelNames: D.buildInfo.labels,
    registers,
  }).set({ version: options.version, runtime: options.runtime }, 1);

  // Series that exist from the start, at 0, so that rate() and absent-data panels behave from the first scrape.
  for (const name of sources) alertsReceived.inc({ source: name }, 0);
  for (const method of SLACK_METHODS) for (const outcome of SLACK_OUTCOMES) slackCalls.inc({ method, outcome }, 0);
  for (const kind of SLASH_COMMAND_KINDS) slashCommands.inc({ kind }, 0);

  if (options.processMetrics ?? true) {
    collectDefaultMetrics({ register: registry });
    // Gauges that prom-client names with _total, which `promtool check metrics` rightly flags as misleading.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'])
      registry.removeSingleMetric(name);
  }

  const metrics: Metrics = {
    webhookRequest(name, outcome, status) {
      webhookRequests.inc({ source: source(name), outcome, code: String(status) });
    },
    alertsReceived(name, count) {
      alertsReceived.inc({ source: source(name) }, count);
    },
    alertMatched(entryId, confidence) {
      alertsMatched.inc({
        entry: entryId === undefined ? NO_ENTRY : boundedLabel(entryId, entries),
        confidence: entryId === undefined ? 'none' : confidenceBucket(confidence),
      });
    },
    slackCall(method, outcome, seconds) {
      slackCalls.inc({ method, outcome });
      slackCallDuration.observe({ method, outcome }, seconds);
    },
    retryAfterWait(seconds) {
      retryAfter.observe(seconds);
    },
    deliveryFailed() {
      deliveriesFailed.inc();
    },
    digestOpened() {
      digestsOpened.inc();
    },
    fixRecorded(entryId) {
      fixesRecorded.inc({ entry: boundedLabel(entryId, entries) });
    },
    correction() {
      corrections.inc();
    },
    slashCommand(kind) {
      slashCommands.inc({ kind });
    },
  };

  return {
    metrics,
    registry,
    exposition: { contentType: registry.contentType, render: () => registry.metrics() },
  };
}
