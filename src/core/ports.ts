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
  /** When a post of the parent (or explanation) was first attempted: a later attempt looks in Slack first. */
  parentPostingAt: number | undefined;
  explanationPostingAt: number | undefined;
  /** The storm digest that lists this alert instead of a message of its own. */
  digestId: number | undefined;
  /** Who acknowledged it (Slack user id) and when; undefined when nobody holds it. */
  ackedBy: string | undefined;
  ackedAt: number | undefined;
  /** The Alertmanager silence made from Slack, while it lasts (`pending:` while being created). */
  silenceId: string | undefined;
  silencedUntil: number | undefined;
}

export type AlertActionKind = 'ack' | 'takeover' | 'unack' | 'silence' | 'expire';

/** One thing a person did to an alert from Slack. */
export interface AlertAction {
  alertId: number;
  alertTitle: string;
  kind: AlertActionKind;
  userId: string;
  at: number;
  silenceId: string | undefined;
  until: number | undefined;
}

/** What pressing Acknowledge did. */
export type AckOutcome =
  | { kind: 'ack' }
  | { kind: 'takeover'; from: string }
  /** The same person pressed again: nothing changed. */
  | { kind: 'unchanged' };

/** One message standing for many alerts of one pattern in one channel during an alert storm. */
export interface Digest {
  id: number;
  channel: string;
  /** The matched entry id, or '' for alerts that matched no pattern. */
  entryKey: string;
  representativeAlertId: number;
  openedAt: number;
  lastJoinedAt: number;
  parentTs: string | undefined;
  parentPostingAt: number | undefined;
  /** Grows with every change to the digest's alerts; the message is edited until refreshedVersion catches up. */
  version: number;
  refreshedVersion: number;
}

export interface DigestMember {
  title: string;
  service: string | undefined;
  severity: string | undefined;
  status: 'firing' | 'resolved';
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
  /** When this delivery's thread note was first attempted (see StoredAlert.parentPostingAt). */
  postingAt: number | undefined;
  /** The webhook request that queued it (X-Request-Id), if it came from one. */
  requestId?: string | undefined;
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

/** What placing an alert in a storm did: posted alone, listed in an open digest, or opening a new digest. */
export type StormPlacement = { kind: 'alone' } | { kind: 'joined' } | { kind: 'opened'; digest: Digest };

/** A drainer's hold on a channel: when the channel may be posted to next. */
export interface ChannelClaim {
  nextPostAt: number;
}

/**
 * Persistence. Every method is one unit of work: a fixed list of statements, conflict-tolerant on the
 * dedup keys, that better-sqlite3 runs in one transaction and D1 in one batch (see `src/store/`). No
 * method reads, awaits and then writes: decisions that depend on stored state are made inside the unit.
 */
export interface AlertStore {
  /** Records alert events and queues their Slack deliveries. Concurrent duplicates produce one row. */
  receiveAlerts(
    alerts: readonly Alert[],
    channel: string,
    now: number,
    /** The webhook request's id, kept on the deliveries it queues so that it reaches Slack's metadata. */
    requestId?: string | undefined,
  ): Promise<ReceiptOutcome[]>;

  // The outbox ------------------------------------------------------------------------------------------
  /** Channels with deliveries due at `now` or digests to edit, that no drainer holds. */
  dueChannels(now: number, limit: number): Promise<string[]>;
  /**
   * Takes the channel for one drainer until `now + leaseMs` (renewable by the same owner). Undefined when
   * another owner holds it: one drainer per channel, however many processes or isolates run.
   */
  claimChannel(channel: string, owner: string, now: number, leaseMs: number): Promise<ChannelClaim | undefined>;
  /** Gives the channel up, remembering when it may be posted to next. */
  releaseChannel(channel: string, owner: string, nextPostAt: number): Promise<void>;
  /** Channels a drainer holds now, and until when (a restarted process frees its dead predecessor's). */
  channelLeases(now: number): Promise<{ channel: string; owner: string; until: number }[]>;
  /** When the channel's earliest pending delivery is due (undefined when none is pending). */
  nextDueAt(channel: string): Promise<number | undefined>;
  /** Deliveries due at `now`, oldest first; only `channel`'s when given. */
  dueDeliveries(now: number, limit: number, channel?: string): Promise<Delivery[]>;
  /** Records a delivery's outcome and, in the same unit, when its channel may be posted to next. */
  markDelivery(
    id: number,
    update: { state: DeliveryState; attempts: number; nextAttemptAt: number; lastError?: string | undefined },
    pace?: { channel: string; nextPostAt: number },
  ): Promise<void>;
  /** Nothing is posted to `channel` before `nextPostAt` (pacing, Slack's Retry-After). */
  pace(channel: string, nextPostAt: number): Promise<void>;
  /** How many deliveries are pending and when the oldest was queued (the metrics' outbox gauges). */
  outboxBacklog(): Promise<{ pending: number; oldestCreatedAt: number | undefined }>;
  listDeliveries(states: readonly DeliveryState[], limit: number): Promise<(Delivery & { alertTitle: string })[]>;

  getAlert(id: number): Promise<StoredAlert | undefined>;
  /** Finds the alert whose parent or explanation message is (channel, ts). */
  findAlertByMessage(channel: string, ts: string): Promise<StoredAlert | undefined>;
  /**
   * Records that a post is about to be attempted, before calling Slack: if the process dies between Slack's
   * answer and saving the ts, the next attempt knows to look for the message instead of posting it again.
   */
  markPosting(
    target: { alertId: number; role: 'parent' | 'explanation' } | { deliveryId: number },
    at: number,
  ): Promise<void>;
  saveParent(alertId: number, post: { channel: string; ts: string; teamId: string | undefined }): Promise<void>;
  saveExplanation(
    alertId: number,
    post: { ts: string; entryId: string | undefined; confidence: number | undefined; fixOrder: string[] },
  ): Promise<void>;
  /** Returns false when the event id was seen before (a Slack retry). */
  claimEvent(eventId: string, now: number): Promise<boolean>;
  recordFix(record: FixRecord): Promise<void>;
  removeFix(record: Pick<FixRecord, 'alertId' | 'fixId' | 'userId'>): Promise<void>;
  /** Fix tallies for one entry, optionally narrowed to one service. */
  fixTallies(entryId: string, service?: string): Promise<{ marked: number; fixes: FixTally[] }>;
  stats(): Promise<EntryStats[]>;

  // Alert storms -------------------------------------------------------------------------------------
  /**
   * In one unit: lists the alert in the open digest of its pattern in `channel` (one joined within the
   * window), or opens a digest with it as representative when `threshold` alerts of the pattern were
   * posted alone within the window, or leaves it alone.
   */
  placeInStorm(input: {
    alertId: number;
    channel: string;
    entryKey: string;
    now: number;
    windowMs: number;
    threshold: number;
  }): Promise<StormPlacement>;
  /** Marks the digest for an edit (one of its alerts changed). */
  touchDigest(digestId: number): Promise<void>;
  /** Records that the digest's message is about to be posted (see markPosting). */
  saveDigestPosting(digestId: number, at: number): Promise<void>;
  /** Saves the digest's message as posted, and as its representative alert's parent, in one unit. */
  saveDigestParent(post: {
    digestId: number;
    ts: string;
    version: number;
    representativeAlertId: number;
    channel: string;
    teamId: string | undefined;
  }): Promise<void>;
  /** Digests whose message is behind their alerts; only `channel`'s when given. */
  staleDigests(limit: number, channel?: string): Promise<Digest[]>;
  markDigestRefreshed(digestId: number, version: number): Promise<void>;
  getDigest(id: number): Promise<Digest | undefined>;
  /** The digest's alerts, oldest first, at most `limit`, and how many there are in all and firing. */
  digestMembers(digestId: number, limit: number): Promise<{ members: DigestMember[]; total: number; firing: number }>;

  /**
   * Retention: alerts last seen before `before` are deleted with their deliveries, except those that fix
   * outcomes or digests point at, which keep only their title. Returns alerts deleted or emptied.
   */
  prune(before: number): Promise<number>;

  // Acting on alerts from Slack ---------------------------------------------------------------------------
  /**
   * Acknowledges the alert for `userId` (and every alert of its storm digest), taking it over from whoever
   * held it, and records the action. The first acknowledgement's time is kept for time-to-acknowledge.
   */
  acknowledge(alertId: number, userId: string, at: number): Promise<AckOutcome>;
  /** Clears the acknowledgement (of the digest's alerts too); false when nobody held it. */
  unacknowledge(alertId: number, userId: string, at: number): Promise<boolean>;
  /**
   * Reserves the alert for one silence being created (a double click makes one): false when a silence
   * exists or another creation started after `staleBefore`.
   */
  claimSilence(alertId: number, token: string, now: number, staleBefore: number): Promise<boolean>;
  /** Gives a reservation back after Alertmanager refused. */
  releaseSilence(alertId: number, token: string): Promise<void>;
  /** Saves the silence Alertmanager made, and records the action. */
  saveSilence(
    alertId: number,
    silence: { token: string; silenceId: string; until: number; userId: string; at: number },
  ): Promise<void>;
  /** Forgets an expired silence, and records who expired it. */
  clearSilence(alertId: number, silenceId: string, userId: string, at: number): Promise<boolean>;
  /** The latest actions, newest first. */
  recentActions(limit: number): Promise<AlertAction[]>;
  /** Median seconds from first seen to first acknowledged, per matched entry. */
  ackMedians(): Promise<Map<string, number>>;

  // Metrics shared by every isolate ----------------------------------------------------------------------
  /** Adds counter increments (series name, labels, value) in one unit. */
  addCounters(
    increments: readonly { name: string; labels: Readonly<Record<string, string>>; value: number }[],
  ): Promise<void>;
  /** Every counter series with its total. */
  counters(): Promise<{ name: string; labels: Record<string, string>; value: number }[]>;

  /** Counts a request in a fixed rate-limit window shared by every process; returns the count so far. */
  countRequest(key: string, windowStart: number): Promise<number>;

  // Listening to other tools' messages ---------------------------------------------------------------
  /**
   * Records an alert read from another tool's Slack message and queues the explanation in its thread, in one
   * unit. The same message again (a Slack retry, a redelivery) changes nothing; a re-post of the same alert
   * (same `dedupKey`, another ts) within `repostWindowMs` of the first owes one "seen again" note at most; a
   * resolved message for a firing alert owes one resolve note in the first message's thread; a resolved
   * message with no firing alert before it is ignored.
   */
  receiveListened(input: ListenedMessage, repostWindowMs: number): Promise<ReceiptOutcome>;

  // The team correcting matches -------------------------------------------------------------------------
  /**
   * In one unit: records the correction (from the alert's current entry, read inside the unit), points the
   * alert at `toEntry` with the fix order its explanation now shows, and makes the team's next alerts of the
   * same kinds match `toEntry` first; an undo instead removes those kinds' overrides.
   */
  recordCorrection(input: CorrectionInput): Promise<void>;
  /** The alert's latest correction or undo, if any. */
  lastCorrection(alertId: number): Promise<Correction | undefined>;
  /** The entry the team chose for the first of `kindKeys` (in that order of preference) that has one. */
  matchOverride(teamId: string, kindKeys: readonly string[]): Promise<string | undefined>;
  /** Corrections still standing, per (from, to) pair, most first. */
  correctionStats(): Promise<CorrectionTally[]>;

  // App Home ----------------------------------------------------------------------------------------------
  /** What the team has learned, in one read: counts, top patterns with their fixes, time to resolve, gaps. */
  homeStats(since: number, limit: number): Promise<HomeStats>;
  /** One channel's numbers, for `/apierr stats` typed there: each channel has its own alerts and outbox. */
  channelSummary(channel: string): Promise<ChannelSummary>;
}

export interface ChannelSummary {
  alerts: number;
  explained: number;
  /** Alerts of this channel someone marked with a fix. */
  marked: number;
  pending: number;
  failed: number;
  /** The last failure's reason (Slack's error), when a delivery to this channel failed. */
  lastError: string | undefined;
}

export interface CorrectionInput {
  alertId: number;
  teamId: string;
  userId: string;
  kind: 'correct' | 'undo';
  toEntry: string | undefined;
  fixOrder: string[];
  kindKeys: readonly string[];
  at: number;
}

export interface Correction {
  alertId: number;
  kind: 'correct' | 'undo';
  fromEntry: string | undefined;
  toEntry: string | undefined;
  userId: string;
  at: number;
}

export interface CorrectionTally {
  fromEntry: string | undefined;
  toEntry: string | undefined;
  count: number;
}

export interface HomeStats {
  alerts: { total: number; since: number };
  explanations: { total: number; since: number };
  /** Patterns seen most, with fix tallies (best first) and the median time from first seen to resolved. */
  patterns: (EntryStats & { medianResolveMs: number | undefined })[];
  /** Explained alerts that matched no pattern: the gaps in the knowledge base, most frequent title first. */
  gaps: { title: string; count: number }[];
  unmatched: number;
  failedDeliveries: {
    total: number;
    recent: { channel: string; kind: DeliveryKind; lastError: string | undefined; alertTitle: string }[];
  };
  corrections: CorrectionTally[];
  channels: { channel: string; alerts: number }[];
}

/** An alert read from a Slack message apierr did not post: its thread is where the explanation goes. */
export interface ListenedMessage {
  /** `listen:<team>:<channel>:<sender>:<alert key>`: the same for a tool's re-posts and its resolved message. */
  dedupKey: string;
  /** `slack:<tool name>`. */
  source: string;
  status: 'firing' | 'resolved';
  title: string;
  description: string;
  teamId: string;
  channel: string;
  ts: string;
  now: number;
}

// ---------------------------------------------------------------------------------------------------------
// Slack

export interface SlackMessage {
  channel: string;
  text: string;
  blocks: readonly object[];
  threadTs?: string | undefined;
  /** Idempotency key stored in the message's metadata, so that `findMessage` can recognize it later. */
  key?: string | undefined;
  /** The webhook request behind the message, stored in its metadata too: one id from the sender to Slack. */
  requestId?: string | undefined;
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
  /**
   * Finds a message apierr posted with `key` in its metadata: in the thread under `threadTs`, or among the
   * channel's messages since `since` (ms). Used only to recover from an attempt whose outcome is unknown.
   */
  findMessage(query: {
    channel: string;
    key: string;
    threadTs?: string | undefined;
    since: number;
  }): Promise<SlackResult<{ ts: string } | undefined>>;
  /** Publishes a user's App Home tab (`views.publish`); absent where there is no Slack to publish to. */
  publishHome?(userId: string, view: { type: 'home'; blocks: readonly object[] }): Promise<SlackResult<void>>;
}

/** The metadata event type apierr tags its messages with. */
export const MESSAGE_EVENT_TYPE = 'apierr_message';

/** The ts of the message apierr posted with `key` in its metadata, among a history or replies page. */
export function findKeyedMessage(
  messages: readonly { ts?: string; metadata?: { event_type?: string; event_payload?: { key?: unknown } } }[],
  key: string,
): { ts: string } | undefined {
  const found = messages.find(
    (m) => m.metadata?.event_type === MESSAGE_EVENT_TYPE && m.metadata.event_payload?.key === key,
  );
  return found?.ts ? { ts: found.ts } : undefined;
}

/**
 * The `metadata` of a message apierr posts: its idempotency key (to find it again after an interrupted post)
 * and the webhook request behind it (one id from the sender's request to the Slack message). Slack shows
 * metadata to apps only, never in the channel.
 */
export function messageMetadata(message: Pick<SlackMessage, 'key' | 'requestId'>): {
  metadata?: { event_type: string; event_payload: Record<string, string> };
} {
  if (!message.key) return {};
  return {
    metadata: {
      event_type: MESSAGE_EVENT_TYPE,
      event_payload: { key: message.key, ...(message.requestId ? { request_id: message.requestId } : {}) },
    },
  };
}

export type { Match };
