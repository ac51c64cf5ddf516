/**
 * A Metrics implementation for runtimes where a scrape reaches one instance of many (Cloudflare Workers):
 * it keeps nothing itself, but turns every call into counter increments that the caller adds up in shared
 * storage (one upsert per series: `value = value + ?`), e.g. in `ctx.waitUntil` at the end of a request.
 *
 * Histograms become increments of their cumulative `_bucket{le}` series, `_sum` and `_count`, so storage
 * only ever adds numbers. Names and label values are exactly those of the prom-client adapter (the same
 * catalogue, the same bounded labels), so one dashboard reads both. Gauges are not here: they are read at
 * scrape time (the outbox backlog, the knowledge base size, build info).
 * @module
 * @example
 * const metrics = bufferedMetrics({ sources: SOURCE_NAMES, entryIds });
 * services.metrics = metrics;
 * ctx.waitUntil(store.addCounters(metrics.drain()));
 */
import {
  boundedLabel,
  confidenceBucket,
  METRIC_DEFINITIONS as D,
  type MetricDefinition,
  type Metrics,
  NO_ENTRY,
} from './metrics.js';

export interface CounterIncrement {
  /** The series name as exposed (`apierr_slack_call_duration_seconds_bucket`, `..._sum`, `..._total`). */
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

export interface BufferedMetrics extends Metrics {
  /** The increments since the last drain, one per series (same name and labels added up), and forgets them. */
  drain(): CounterIncrement[];
}

export function bufferedMetrics(options: { sources: readonly string[]; entryIds: readonly string[] }): BufferedMetrics {
  const sources = new Set(options.sources);
  const entries = new Set([...options.entryIds, NO_ENTRY]);
  let pending = new Map<string, CounterIncrement>();

  const add = (name: string, labels: Record<string, string>, value = 1) => {
    const key = `${name}${JSON.stringify(labels)}`;
    const found = pending.get(key);
    if (found) found.value += value;
    else pending.set(key, { name, labels, value });
  };
  const observe = (definition: MetricDefinition, labels: Record<string, string>, value: number) => {
    for (const le of definition.buckets ?? [])
      if (value <= le) add(`${definition.name}_bucket`, { ...labels, le: String(le) });
    add(`${definition.name}_bucket`, { ...labels, le: '+Inf' });
    add(`${definition.name}_sum`, labels, value);
    add(`${definition.name}_count`, labels);
  };

  return {
    webhookRequest(source, outcome, status) {
      add(D.webhookRequests.name, { source: boundedLabel(source, sources), outcome, code: String(status) });
    },
    alertsReceived(source, count) {
      add(D.alertsReceived.name, { source: boundedLabel(source, sources) }, count);
    },
    alertMatched(entryId, confidence) {
      add(D.alertsMatched.name, {
        entry: entryId === undefined ? NO_ENTRY : boundedLabel(entryId, entries),
        confidence: entryId === undefined ? 'none' : confidenceBucket(confidence),
      });
    },
    slackCall(method, outcome, seconds) {
      add(D.slackCalls.name, { method, outcome });
      observe(D.slackCallDuration, { method, outcome }, seconds);
    },
    retryAfterWait(seconds) {
      observe(D.retryAfter, {}, seconds);
    },
    deliveryFailed() {
      add(D.deliveriesFailed.name, {});
    },
    digestOpened() {
      add(D.digestsOpened.name, {});
    },
    fixRecorded(entryId) {
      add(D.fixesRecorded.name, { entry: boundedLabel(entryId, entries) });
    },
    correction() {
      add(D.corrections.name, {});
    },
    slashCommand(kind) {
      add(D.slashCommands.name, { kind });
    },
    drain() {
      const drained = [...pending.values()];
      pending = new Map();
      return drained;
    },
  };
}
