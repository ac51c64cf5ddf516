/**
 * The ports the core talks through. Adapters live outside `core/`: SQLite and D1 stores, the Slack Web API
 * client and its offline stand-in, real and fake clocks.
 * @module
 */
import type { Alert } from './alerts/alert.js';
import type { Match } from './knowledge/matcher.js';

/** Milliseconds since the epoch. Passed in so that time windows are tested without fake timers. */
export interface Clock {
  now(): number;
}

/**
 * Acknowledge now, work later: `ctx.waitUntil` on Workers, a background promise on Node, a collecting
 * fake in tests. The task must not throw (it logs its own failures).
 */
export type Defer = (task: () => Promise<void>) => void;

export interface Logger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

// ---------------------------------------------------------------------------------------------------------
// Storage

/** What receiving one alert event did. Duplicates are an expected outcome, not an error. */
export type ReceiptOutcome = 'new' | 'duplicate' | 'repeat' | 'resolved' | 'reopened';

export interface StoredAlert extends Alert {
  id: number;
  teamId: string | undefined;
  channel: string | undefined;
  parentTs: string | undefined;
  explanationTs: string | undefined;
  entryId: string | undefined;
  confidence: number | undefined;
  /** The fix ids in the order the explanation showed them: reaction :two: means fixOrder[1]. */
  fixOrder: string[];
  firstSeenAt: number;
  lastSeenAt: number;
  resolvedAt: number | undefined;
  repeatCount: number;
}

export type DeliveryKind = 'post' | 'resolve' | 'repeat' | 'reopen';
export type DeliveryState = 'pending' | 'sent' | 'failed';

export interface Delivery {
  id: number;
  alertId: number;
  kind: DeliveryKind;
  channel: string;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | undefined;
  createdAt: number;
}

export interface FixRecord {
  alertId: number;
  entryId: string;
  /** Undefined when the alert was marked resolved with no listed fix (:white_check_mark:). */
  fixId: string | undefined;
  service: string | undefined;
  userId: string;
  teamId: string;
  at: number;
}

export interface FixTally {
  fixId: string;
  /** Alerts this fix was recorded as resolving. */
  resolved: number;
}

export interface EntryStats {
  entryId: string;
  alerts: number;
  /** Alerts of this entry that someone marked with a fix (or as resolved without one). */
  marked: number;
  fixes: FixTally[];
}

/**
 * Persistence. Every method is one unit of work: a fixed list of statements, conflict-tolerant on the
 * dedup keys, so that D1 (batch, no interactive transactions) and better-sqlite3 run the same plan.
 */
export interface AlertStore {
  /** Records alert events and queues their Slack deliveries. Concurrent duplicates produce one row. */
  receiveAlerts(alerts: readonly Alert[], channel: string, now: number): Promise<ReceiptOutcome[]>;
  /** Deliveries due at `now`, oldest first. */
  dueDeliveries(now: number, limit: number): Promise<Delivery[]>;
  getAlert(id: number): Promise<StoredAlert | undefined>;
  /** Finds the alert whose parent or explanation message is (channel, ts). */
  findAlertByMessage(channel: string, ts: string): Promise<StoredAlert | undefined>;
  saveParent(alertId: number, post: { channel: string; ts: string; teamId: string | undefined }): Promise<void>;
  saveExplanation(
    alertId: number,
    post: { ts: string; entryId: string | undefined; confidence: number | undefined; fixOrder: string[] },
  ): Promise<void>;
  markDelivery(
    id: number,
    update: { state: DeliveryState; attempts: number; nextAttemptAt: number; lastError?: string | undefined },
  ): Promise<void>;
  listDeliveries(states: readonly DeliveryState[], limit: number): Promise<(Delivery & { alertTitle: string })[]>;
  /** Returns false when the event id was seen before (a Slack retry). */
  claimEvent(eventId: string, now: number): Promise<boolean>;
  recordFix(record: FixRecord): Promise<void>;
  removeFix(record: Pick<FixRecord, 'alertId' | 'fixId' | 'userId'>): Promise<void>;
  /** Fix tallies for one entry, optionally narrowed to one service. */
  fixTallies(entryId: string, service?: string): Promise<{ marked: number; fixes: FixTally[] }>;
  stats(): Promise<EntryStats[]>;
  /** Drops stored payloads of alerts first seen before `before`; keeps fix outcomes. Returns rows pruned. */
  prune(before: number): Promise<number>;
}

// ---------------------------------------------------------------------------------------------------------
// Slack

export interface SlackMessage {
  channel: string;
  text: string;
  blocks: readonly object[];
  threadTs?: string | undefined;
}

export type SlackFailure =
  | { kind: 'rate_limited'; retryAfterMs: number }
  | { kind: 'transient'; reason: string }
  | { kind: 'permanent'; reason: string };

export type SlackResult<T> = { ok: true; value: T } | { ok: false; failure: SlackFailure };

/** The Slack Web API calls the core makes. Implementations never throw: failures are classified results. */
export interface SlackPort {
  /** The team the bot token belongs to (undefined offline). */
  teamId(): Promise<string | undefined>;
  postMessage(message: SlackMessage): Promise<SlackResult<{ channel: string; ts: string }>>;
  updateMessage(message: SlackMessage & { ts: string }): Promise<SlackResult<void>>;
}

export type { Match };
