/**
 * The drizzle schema shared by the better-sqlite3 and D1 stores. Migrations in `migrations/` are
 * generated from it with `npm run db:generate` (drizzle-kit).
 * @module
 */

import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const alerts = sqliteTable(
  'alerts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    dedupKey: text('dedup_key').notNull(),
    source: text('source').notNull(),
    status: text('status', { enum: ['firing', 'resolved'] }).notNull(),
    /** What the last receipt did: new, duplicate, repeat, resolved, reopened. Read back to decide deliveries. */
    lastOutcome: text('last_outcome').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    service: text('service'),
    severity: text('severity'),
    statusCode: integer('status_code'),
    startsAt: text('starts_at'),
    endsAt: text('ends_at'),
    url: text('url'),
    /** Labels as JSON; emptied by retention pruning. */
    labels: text('labels').notNull().default('{}'),
    teamId: text('team_id'),
    channel: text('channel'),
    parentTs: text('parent_ts'),
    explanationTs: text('explanation_ts'),
    entryId: text('entry_id'),
    confidence: real('confidence'),
    fixOrder: text('fix_order').notNull().default('[]'),
    firstSeenAt: integer('first_seen_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    resolvedAt: integer('resolved_at'),
    repeatCount: integer('repeat_count').notNull().default(0),
    parentPostingAt: integer('parent_posting_at'),
    explanationPostingAt: integer('explanation_posting_at'),
    /** Set when the alert arrived during a storm and is listed in a digest instead of posted alone. */
    digestId: integer('digest_id'),
    /**
     * Status changes so far (firing -> resolved -> firing ...). Each change owes Slack its own delivery, so
     * the outbox keys deliveries by (alert, kind, transition): a second resolve is a new step, not a no-op.
     */
    transitions: integer('transitions').notNull().default(0),
    /** Who holds the alert now (Slack user id), and since when; cleared by "Unacknowledge". */
    ackedBy: text('acked_by'),
    ackedAt: integer('acked_at'),
    /** The first acknowledgement: time to acknowledge is firstAckedAt - firstSeenAt. */
    firstAckedAt: integer('first_acked_at'),
    /** The Alertmanager silence created from Slack, while it lasts. */
    silenceId: text('silence_id'),
    silencedUntil: integer('silenced_until'),
  },
  (t) => [
    uniqueIndex('alerts_dedup_key').on(t.dedupKey),
    index('alerts_first_seen').on(t.firstSeenAt),
    // Partial indexes: these columns are NULL when an alert is received, so receiving one (the hot path of
    // every webhook) touches none of them; they fill in later, when the outbox posts.
    index('alerts_parent').on(t.channel, t.parentTs).where(sql`${t.parentTs} IS NOT NULL`),
    index('alerts_explanation').on(t.channel, t.explanationTs).where(sql`${t.explanationTs} IS NOT NULL`),
    index('alerts_entry').on(t.entryId).where(sql`${t.entryId} IS NOT NULL`),
    index('alerts_recent_posts')
      .on(t.channel, t.entryId, t.parentPostingAt)
      .where(sql`${t.parentPostingAt} IS NOT NULL`),
    index('alerts_digest').on(t.digestId).where(sql`${t.digestId} IS NOT NULL`),
    // The App Home's gaps (explained alerts no pattern matched) and its median time to resolve per pattern,
    // each read from a small partial index instead of the whole table.
    index('alerts_unmatched').on(t.title).where(sql`${t.entryId} IS NULL AND ${t.explanationTs} IS NOT NULL`),
    index('alerts_resolve_time')
      .on(t.entryId, sql`(${t.resolvedAt} - ${t.firstSeenAt})`)
      .where(sql`${t.entryId} IS NOT NULL AND ${t.resolvedAt} IS NOT NULL`),
    // Time to acknowledge per pattern (stats), from the few acknowledged alerts instead of the whole table.
    index('alerts_ack_time')
      .on(t.entryId, sql`(${t.firstAckedAt} - ${t.firstSeenAt})`)
      .where(sql`${t.entryId} IS NOT NULL AND ${t.firstAckedAt} IS NOT NULL`),
  ],
);

/**
 * One message standing for many alerts of the same pattern in a channel during a storm. `version` grows
 * with every change to its alerts; the message is edited until `refreshedVersion` catches up.
 */
export const digests = sqliteTable(
  'digests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    channel: text('channel').notNull(),
    /** The matched entry id, or '' for alerts that matched no pattern. */
    entryKey: text('entry_key').notNull(),
    /** The alert that opened the digest: its explanation is the digest's, so reactions record against it. */
    representativeAlertId: integer('representative_alert_id').notNull(),
    openedAt: integer('opened_at').notNull(),
    lastJoinedAt: integer('last_joined_at').notNull(),
    parentTs: text('parent_ts'),
    parentPostingAt: integer('parent_posting_at'),
    version: integer('version').notNull().default(1),
    refreshedVersion: integer('refreshed_version').notNull().default(0),
  },
  (t) => [
    index('digests_open').on(t.channel, t.entryKey, t.lastJoinedAt),
    index('digests_dirty').on(t.refreshedVersion, t.version),
    index('digests_representative').on(t.representativeAlertId),
  ],
);

/** The outbox: one row per Slack step owed for an alert. Unique per (alert, kind) so a redelivery adds none. */
export const deliveries = sqliteTable(
  'deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    alertId: integer('alert_id')
      .notNull()
      .references(() => alerts.id),
    kind: text('kind', { enum: ['post', 'resolve', 'repeat', 'reopen'] }).notNull(),
    channel: text('channel').notNull(),
    state: text('state', { enum: ['pending', 'sent', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    postingAt: integer('posting_at'),
    /** The alert's `transitions` when this step was queued: firing -> resolved -> firing -> resolved owes two resolves. */
    transition: integer('transition').notNull().default(0),
    /** The webhook request that queued this step (X-Request-Id), carried into the Slack message's metadata. */
    requestId: text('request_id'),
  },
  (t) => [
    uniqueIndex('deliveries_alert_kind_transition').on(t.alertId, t.kind, t.transition),
    index('deliveries_due').on(t.state, t.nextAttemptAt),
    // Each channel has one drainer, which reads only its own channel's due steps.
    index('deliveries_channel_due').on(t.channel, t.nextAttemptAt, t.id).where(sql`${t.state} = 'pending'`),
  ],
);

/**
 * One row per Slack channel apierr posts to: when it may be posted to next (Slack allows about one message
 * a second per channel, and Retry-After holds it longer) and which drainer holds it. Kept in the store, not
 * in memory, so that several Node replicas or Worker isolates share one pace and one drainer per channel.
 */
export const channels = sqliteTable('channels', {
  channel: text('channel').primaryKey(),
  nextPostAt: integer('next_post_at').notNull().default(0),
  leaseOwner: text('lease_owner'),
  leaseUntil: integer('lease_until').notNull().default(0),
});

/**
 * Webhook rate-limit windows, for runtimes where no one process sees every request (Workers isolates):
 * a fixed window per sender, counted by an upsert.
 */
export const rateWindows = sqliteTable('rate_windows', {
  key: text('key').primaryKey(),
  windowStart: integer('window_start').notNull(),
  count: integer('count').notNull(),
});

/** Which fix resolved which alert, by whom. One row per (alert, fix, user); removal deletes it. */
export const fixOutcomes = sqliteTable(
  'fix_outcomes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    alertId: integer('alert_id')
      .notNull()
      .references(() => alerts.id),
    entryId: text('entry_id').notNull(),
    /** '' when the alert was marked resolved with no listed fix: keeps the unique index simple. */
    fixId: text('fix_id').notNull(),
    service: text('service'),
    userId: text('user_id').notNull(),
    teamId: text('team_id').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('fix_outcomes_alert_fix_user').on(t.alertId, t.fixId, t.userId),
    index('fix_outcomes_entry').on(t.entryId, t.service),
    // Covering indexes for the stats: per entry, distinct alerts marked, and distinct alerts per fix,
    // read in index order instead of sorted in temporary B-trees.
    index('fix_outcomes_entry_alert').on(t.entryId, t.alertId),
    index('fix_outcomes_entry_fix_alert').on(t.entryId, t.fixId, t.alertId),
  ],
);

/**
 * What people did to an alert from Slack: acknowledge, take over, unacknowledge, silence, expire a silence.
 * Who, when, and for silences Alertmanager's id and end; listed in `/apierr stats`.
 */
export const alertActions = sqliteTable(
  'alert_actions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    alertId: integer('alert_id')
      .notNull()
      .references(() => alerts.id),
    kind: text('kind', { enum: ['ack', 'takeover', 'unack', 'silence', 'expire'] }).notNull(),
    userId: text('user_id').notNull(),
    at: integer('at').notNull(),
    silenceId: text('silence_id'),
    until: integer('until'),
  },
  (t) => [index('alert_actions_alert').on(t.alertId), index('alert_actions_at').on(t.at)],
);

/** Slack Events API ids already handled: Slack retries carry the same event_id. */
export const slackEvents = sqliteTable(
  'slack_events',
  {
    eventId: text('event_id').primaryKey(),
    receivedAt: integer('received_at').notNull(),
  },
  // Retention deletes old ids by age.
  (t) => [index('slack_events_received').on(t.receivedAt)],
);

/**
 * Metric counters added up in the store, for runtimes where a scrape reaches one instance of many
 * (Workers isolates): one row per series, `value = value + ?` per request. Node keeps them in prom-client.
 */
export const metricCounters = sqliteTable(
  'metric_counters',
  {
    name: text('name').notNull(),
    /** The series' labels as JSON with sorted keys. */
    labels: text('labels').notNull(),
    value: real('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.labels] })],
);

/**
 * The team correcting a match: "Wrong pattern?" under an explanation. One row per correction or undo, with
 * who, when, from which entry to which (to_entry NULL for an undo back to the matcher's choice), so the
 * knowledge base's maintainers see where it is weak.
 */
export const corrections = sqliteTable(
  'corrections',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    alertId: integer('alert_id')
      .notNull()
      .references(() => alerts.id),
    teamId: text('team_id').notNull(),
    kind: text('kind', { enum: ['correct', 'undo'] }).notNull(),
    /** The entry the explanation showed before (NULL: no pattern). */
    fromEntry: text('from_entry'),
    /** The entry it shows after. */
    toEntry: text('to_entry'),
    userId: text('user_id').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [index('corrections_alert').on(t.alertId), index('corrections_from_to').on(t.fromEntry, t.toEntry)],
);

/**
 * What the team said alerts of one kind are: the next alert with the same source alert name or normalized
 * title (per team) matches this entry first, "corrected by the team". Removed by an undo.
 */
export const matchOverrides = sqliteTable(
  'match_overrides',
  {
    teamId: text('team_id').notNull(),
    /** `name:<source>:<alert name>` or `title:<normalized title>`. */
    kindKey: text('kind_key').notNull(),
    entryId: text('entry_id').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.kindKey] })],
);
