/**
 * The metrics port: what apierr counts about itself, as small typed calls with labels from fixed sets.
 *
 * The core and the adapters call a `Metrics`; which library keeps the numbers is the runtime's choice
 * (prom-client on Node, `src/metrics/prom.ts`; on Workers an implementation that adds the same counters
 * up in the store or a Durable Object). `METRIC_DEFINITIONS` is the one catalogue of names, help texts,
 * types and label names, so every implementation, the Grafana dashboard and the alerting rules agree.
 *
 * Label values never come from a payload: sources are the configured source names, entries are the
 * knowledge base's ids, outcomes and methods are the unions below. An implementation must map anything
 * else to `other` (see {@link boundedLabel}), so a sender cannot grow the number of series.
 * @module
 * @example
 * services.metrics?.webhookRequest('alertmanager', 'accepted', 202);
 * services.metrics?.slackCall('chat.postMessage', 'rate_limited', 0.12);
 */

/** What a webhook request came to. Each 4xx has its own reason, so a rule can tell a bad token from bad JSON. */
export type WebhookOutcome =
  | 'accepted'
  | 'duplicate'
  | 'ignored'
  | 'unknown_source'
  | 'unauthorized'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'invalid_json'
  | 'invalid_payload'
  | 'error';

export const WEBHOOK_OUTCOMES: readonly WebhookOutcome[] = [
  'accepted',
  'duplicate',
  'ignored',
  'unknown_source',
  'unauthorized',
  'rate_limited',
  'payload_too_large',
  'unsupported_media_type',
  'invalid_json',
  'invalid_payload',
  'error',
];

/** The outcome a webhook answer's status stands for (200 is a duplicate unless the route said otherwise). */
export function webhookOutcomeOf(status: number): WebhookOutcome {
  switch (status) {
    case 202:
      return 'accepted';
    case 200:
      return 'duplicate';
    case 400:
      return 'invalid_json';
    case 401:
      return 'unauthorized';
    case 404:
      return 'unknown_source';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    case 422:
      return 'invalid_payload';
    case 429:
      return 'rate_limited';
    default:
      return 'error';
  }
}

/** The Slack Web API methods behind the SlackPort. */
export type SlackMethod =
  | 'chat.postMessage'
  | 'chat.update'
  | 'conversations.history'
  | 'conversations.replies'
  | 'views.publish';
export const SLACK_METHODS: readonly SlackMethod[] = [
  'chat.postMessage',
  'chat.update',
  'conversations.history',
  'conversations.replies',
  'views.publish',
];

/** The SlackPort's own classification of a call (see `SlackFailure`), plus success. */
export type SlackOutcome = 'ok' | 'rate_limited' | 'transient' | 'permanent';
export const SLACK_OUTCOMES: readonly SlackOutcome[] = ['ok', 'rate_limited', 'transient', 'permanent'];

/** Confidence buckets of a match; `none` is an alert that matched no pattern. */
export type ConfidenceBucket = 'high' | 'medium' | 'low' | 'none';
export const CONFIDENCE_BUCKETS: readonly ConfidenceBucket[] = ['high', 'medium', 'low', 'none'];

/**
 * `high` from 0.8, `medium` from 0.5 (below that the explanation says "low confidence"), `low` under it,
 * `none` without a match.
 */
export function confidenceBucket(confidence: number | undefined): ConfidenceBucket {
  if (confidence === undefined) return 'none';
  if (confidence >= 0.8) return 'high';
  if (confidence >= 0.5) return 'medium';
  return 'low';
}

/** What a `/apierr` command was asked for. */
export type SlashCommandKind = 'help' | 'stats' | 'explain';
export const SLASH_COMMAND_KINDS: readonly SlashCommandKind[] = ['help', 'stats', 'explain'];

/** The kind of `/apierr <word>`, by the same words the command answers to. */
export function slashCommandKind(word: string): SlashCommandKind {
  const w = word.trim().toLowerCase();
  if (w === 'stats') return 'stats';
  return w === '' || w === 'help' || w === '--help' || w === '?' ? 'help' : 'explain';
}

/** The entry label of an alert that matched nothing. */
export const NO_ENTRY = 'none';
/** The label value standing for anything outside a label's fixed set. */
export const OTHER = 'other';

/** `value` when it is one of `allowed`, else `other`: the guard that keeps cardinality bounded. */
export function boundedLabel(value: string | undefined, allowed: ReadonlySet<string>): string {
  return value !== undefined && allowed.has(value) ? value : OTHER;
}

/**
 * What apierr counts. Methods never throw and never wait: a metrics implementation that needs I/O (the
 * Worker's store-backed one) buffers and flushes on its own.
 */
export interface Metrics {
  /** One webhook request answered; `status` is the HTTP status it got. */
  webhookRequest(source: string, outcome: WebhookOutcome, status: number): void;
  /** Alert events parsed from one accepted payload (before deduplication). */
  alertsReceived(source: string, count: number): void;
  /** An alert's pattern was decided: an entry id and its confidence, or undefined for no match. */
  alertMatched(entryId: string | undefined, confidence: number | undefined): void;
  /** One Slack Web API call, classified, with its latency. */
  slackCall(method: SlackMethod, outcome: SlackOutcome, seconds: number): void;
  /** Slack answered 429 and asked apierr to wait this long before the channel is posted to again. */
  retryAfterWait(seconds: number): void;
  /** A delivery stopped being retried: it failed for good. */
  deliveryFailed(): void;
  /** An alert storm opened a digest message. */
  digestOpened(): void;
  /** Someone recorded a fix (or "resolved, no listed fix") for an alert of `entryId`. */
  fixRecorded(entryId: string): void;
  /** Someone took a recorded fix back (removed the reaction): a correction of the record. */
  correction(): void;
  /** A `/apierr` slash command was answered. */
  slashCommand(kind: SlashCommandKind): void;
}

/** Counts nothing: a base for fakes that record only the calls a test looks at. */
export const noopMetrics: Metrics = {
  webhookRequest() {},
  alertsReceived() {},
  alertMatched() {},
  slackCall() {},
  retryAfterWait() {},
  deliveryFailed() {},
  digestOpened() {},
  fixRecorded() {},
  correction() {},
  slashCommand() {},
};

/** The text exposition of the metrics, for `GET /metrics` (Prometheus text format 0.0.4). */
export interface MetricsExposition {
  contentType: string;
  render(): Promise<string>;
}

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricDefinition {
  name: string;
  type: MetricType;
  help: string;
  labels: readonly string[];
  /** Histogram bucket upper bounds, in the metric's unit. */
  buckets?: readonly number[];
}

/** Slack answers in tens to hundreds of milliseconds; the client gives up at 10 s. */
export const SLACK_LATENCY_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
/** Slack's Retry-After is usually 1 to 60 seconds. */
export const RETRY_AFTER_BUCKETS = [1, 2, 5, 10, 30, 60, 120, 300] as const;

/**
 * Every metric apierr exposes besides the client library's process metrics. The Node adapter creates
 * exactly these; a Worker implementation must use the same names, so that one dashboard serves both.
 */
export const METRIC_DEFINITIONS = {
  webhookRequests: {
    name: 'apierr_webhook_requests_total',
    type: 'counter',
    help: 'Webhook requests answered, by source, outcome and HTTP status code.',
    labels: ['source', 'outcome', 'code'],
  },
  alertsReceived: {
    name: 'apierr_alerts_received_total',
    type: 'counter',
    help: 'Alert events received in webhook payloads, by source, before deduplication.',
    labels: ['source'],
  },
  alertsMatched: {
    name: 'apierr_alerts_matched_total',
    type: 'counter',
    help: 'Alerts whose pattern was decided, by knowledge base entry ("none": no match) and confidence bucket.',
    labels: ['entry', 'confidence'],
  },
  slackCalls: {
    name: 'apierr_slack_calls_total',
    type: 'counter',
    help: 'Slack Web API calls, by method and outcome (ok, rate_limited, transient, permanent).',
    labels: ['method', 'outcome'],
  },
  slackCallDuration: {
    name: 'apierr_slack_call_duration_seconds',
    type: 'histogram',
    help: 'Latency of Slack Web API calls, by method and outcome.',
    labels: ['method', 'outcome'],
    buckets: SLACK_LATENCY_BUCKETS,
  },
  retryAfter: {
    name: 'apierr_slack_retry_after_seconds',
    type: 'histogram',
    help: 'Waits Slack asked for with Retry-After on a 429.',
    labels: [],
    buckets: RETRY_AFTER_BUCKETS,
  },
  outboxPending: {
    name: 'apierr_outbox_pending_deliveries',
    type: 'gauge',
    help: 'Slack deliveries waiting in the outbox (due or being retried).',
    labels: [],
  },
  outboxOldestAge: {
    name: 'apierr_outbox_oldest_pending_age_seconds',
    type: 'gauge',
    help: 'Age of the oldest pending Slack delivery; 0 when the outbox is empty.',
    labels: [],
  },
  deliveriesFailed: {
    name: 'apierr_deliveries_failed_total',
    type: 'counter',
    help: 'Slack deliveries that failed for good (a permanent error, or out of retries).',
    labels: [],
  },
  digestsOpened: {
    name: 'apierr_storm_digests_opened_total',
    type: 'counter',
    help: 'Storm digest messages opened (many alerts of one pattern in one channel).',
    labels: [],
  },
  fixesRecorded: {
    name: 'apierr_fixes_recorded_total',
    type: 'counter',
    help: 'Fixes recorded as having resolved an alert, by knowledge base entry.',
    labels: ['entry'],
  },
  corrections: {
    name: 'apierr_fix_corrections_total',
    type: 'counter',
    help: 'Recorded fixes taken back (a reaction removed).',
    labels: [],
  },
  slashCommands: {
    name: 'apierr_slash_commands_total',
    type: 'counter',
    help: 'Slash commands answered, by kind (help, stats, explain).',
    labels: ['kind'],
  },
  knowledgeEntries: {
    name: 'apierr_knowledge_entries',
    type: 'gauge',
    help: 'Entries in the loaded knowledge base.',
    labels: [],
  },
  buildInfo: {
    name: 'apierr_build_info',
    type: 'gauge',
    help: 'Always 1; the labels say which apierr version runs on which runtime.',
    labels: ['version', 'runtime'],
  },
} as const satisfies Record<string, MetricDefinition>;

/** What the outbox holds right now, read at scrape time. */
export interface OutboxBacklog {
  pending: number;
  /** Seconds since the oldest pending delivery was queued; 0 when none is pending. */
  oldestAgeSeconds: number;
}
