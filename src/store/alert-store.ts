/**
 * The AlertStore, written once over a `SqlDriver`: every method is one unit of work, a fixed list of SQL
 * statements that better-sqlite3 runs in one transaction and D1 in one batch. Decisions that depend on
 * what is already stored (new or duplicate, join a storm's digest or open one, who drains a channel) are
 * made inside SQLite by conflict-tolerant upserts, subqueries and RETURNING, never by a read, an await
 * and a write, so that concurrent requests, replicas and isolates cannot both take the same step.
 * @module
 */
import type { Alert } from '../core/alerts/alert.js';
import type {
  AckOutcome,
  AlertAction,
  AlertActionKind,
  AlertStore,
  ChannelClaim,
  ChannelSummary,
  Correction,
  CorrectionInput,
  CorrectionTally,
  Delivery,
  DeliveryState,
  Digest,
  DigestMember,
  EntryStats,
  FixRecord,
  FixTally,
  HomeStats,
  ListenedMessage,
  ReceiptOutcome,
  StoredAlert,
  StormPlacement,
} from '../core/ports.js';
import { type SqlDriver, type SqlValue, type Statement, stmt } from './sql-driver.js';

/** A repeat notification older than this since the last one earns a short thread note; sooner ones are redeliveries. */
export const REPEAT_NOTE_AFTER_MS = 30 * 60 * 1000;

/** Fix ids are stored as '' for "resolved with no listed fix", so that the unique index covers it. */
const NO_FIX = '';

// The two statements every webhook runs per alert. `transitions` counts status changes, and deliveries are
// unique per (alert, kind, transition): a redelivery owes nothing, a second resolve owes a second edit.
export const UPSERT_ALERT = `
  INSERT INTO alerts (dedup_key, source, status, last_outcome, title, description, service, severity, status_code,
                      starts_at, ends_at, url, labels, first_seen_at, last_seen_at, resolved_at)
  VALUES (?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (dedup_key) DO UPDATE SET
    last_outcome = CASE
      WHEN alerts.status = 'firing' AND excluded.status = 'resolved' THEN 'resolved'
      WHEN alerts.status = 'resolved' AND excluded.status = 'firing' THEN 'reopened'
      WHEN alerts.status = 'firing' AND excluded.last_seen_at - alerts.last_seen_at >= ${REPEAT_NOTE_AFTER_MS} THEN 'repeat'
      ELSE 'duplicate' END,
    transitions = alerts.transitions + (alerts.status <> excluded.status),
    status = excluded.status,
    last_seen_at = max(alerts.last_seen_at, excluded.last_seen_at),
    repeat_count = alerts.repeat_count + 1,
    resolved_at = CASE WHEN excluded.status = 'resolved' THEN coalesce(alerts.resolved_at, excluded.resolved_at) END,
    ends_at = coalesce(excluded.ends_at, alerts.ends_at)
  RETURNING last_outcome AS outcome`;

export const QUEUE_DELIVERY = `
  INSERT INTO deliveries (alert_id, kind, channel, state, attempts, next_attempt_at, created_at, transition, request_id)
  SELECT id, CASE last_outcome WHEN 'new' THEN 'post' WHEN 'resolved' THEN 'resolve' WHEN 'repeat' THEN 'repeat'
                               WHEN 'reopened' THEN 'reopen' END, ?, 'pending', 0, ?, ?, transitions, ?
  FROM alerts WHERE dedup_key = ? AND last_outcome <> 'duplicate'
  ON CONFLICT (alert_id, kind, transition) DO NOTHING`;

export function receiptStatements(
  alert: Alert,
  channel: string,
  now: number,
  requestId?: string | undefined,
): [Statement, Statement] {
  return [
    stmt(
      UPSERT_ALERT,
      alert.dedupKey,
      alert.source,
      alert.status,
      alert.title,
      alert.description,
      alert.service ?? null,
      alert.severity ?? null,
      alert.statusCode ?? null,
      alert.startsAt ?? null,
      alert.endsAt ?? null,
      alert.url ?? null,
      JSON.stringify(alert.labels),
      now,
      now,
      alert.status === 'resolved' ? now : null,
    ),
    stmt(QUEUE_DELIVERY, channel, now, now, requestId ?? null, alert.dedupKey),
  ];
}

const ALERT_COLUMNS = `id, dedup_key, source, status, title, description, service, severity, status_code, starts_at,
  ends_at, url, labels, team_id, channel, parent_ts, explanation_ts, entry_id, confidence, fix_order, first_seen_at,
  last_seen_at, resolved_at, repeat_count, parent_posting_at, explanation_posting_at, digest_id, acked_by, acked_at,
  silence_id, silenced_until`;

/** The alert and, when it stands for a storm digest, every alert of that digest. */
const ALERT_AND_DIGEST = `(id = ? OR (digest_id IS NOT NULL AND digest_id = (SELECT digest_id FROM alerts WHERE id = ?
  AND id = (SELECT representative_alert_id FROM digests WHERE digests.id = alerts.digest_id))))`;

const DELIVERY_COLUMNS = `id, alert_id, kind, channel, state, attempts, next_attempt_at, last_error, created_at, posting_at,
  request_id`;

const DIGEST_COLUMNS = `id, channel, entry_key, representative_alert_id, opened_at, last_joined_at, parent_ts,
  parent_posting_at, version, refreshed_version`;

export class SqlAlertStore implements AlertStore {
  constructor(private readonly db: SqlDriver) {}

  private async rows(statement: Statement): Promise<Record<string, unknown>[]> {
    const [result] = await this.db.unit([statement]);
    return result?.rows ?? [];
  }

  private async first(statement: Statement): Promise<Record<string, unknown> | undefined> {
    return (await this.rows(statement))[0];
  }

  private async write(...statements: Statement[]): Promise<number> {
    const results = await this.db.unit(statements);
    return results.reduce((sum, r) => sum + r.changes, 0);
  }

  async receiveAlerts(
    incoming: readonly Alert[],
    channel: string,
    now: number,
    requestId?: string | undefined,
  ): Promise<ReceiptOutcome[]> {
    if (incoming.length === 0) return [];
    const results = await this.db.unit(incoming.flatMap((alert) => receiptStatements(alert, channel, now, requestId)));
    return incoming.map((_, i) => (results[2 * i]?.rows[0]?.outcome as ReceiptOutcome | undefined) ?? 'duplicate');
  }

  // Outbox ----------------------------------------------------------------------------------------------

  async dueChannels(now: number, limit: number): Promise<string[]> {
    const rows = await this.rows(
      stmt(
        `SELECT channel FROM (
           SELECT DISTINCT channel FROM deliveries WHERE state = 'pending' AND next_attempt_at <= ?
           UNION SELECT DISTINCT channel FROM digests WHERE parent_ts IS NOT NULL AND refreshed_version < version
         ) AS due
         WHERE channel NOT IN (SELECT channel FROM channels WHERE lease_until > ?)
         ORDER BY channel LIMIT ?`,
        now,
        now,
        limit,
      ),
    );
    return rows.map((row) => String(row.channel));
  }

  async claimChannel(channel: string, owner: string, now: number, leaseMs: number): Promise<ChannelClaim | undefined> {
    // Taken when nobody holds it or the holder's lease ran out (it died mid-pass); the holder may renew.
    const row = await this.first(
      stmt(
        `INSERT INTO channels (channel, next_post_at, lease_owner, lease_until) VALUES (?, 0, ?, ?)
         ON CONFLICT (channel) DO UPDATE SET lease_owner = excluded.lease_owner, lease_until = excluded.lease_until
         WHERE channels.lease_until <= ? OR channels.lease_owner = excluded.lease_owner
         RETURNING next_post_at`,
        channel,
        owner,
        now + leaseMs,
        now,
      ),
    );
    return row ? { nextPostAt: Number(row.next_post_at) } : undefined;
  }

  async releaseChannel(channel: string, owner: string, nextPostAt: number): Promise<void> {
    await this.write(
      stmt(
        `UPDATE channels SET lease_owner = NULL, lease_until = 0, next_post_at = max(next_post_at, ?)
         WHERE channel = ? AND lease_owner = ?`,
        nextPostAt,
        channel,
        owner,
      ),
    );
  }

  async channelLeases(now: number): Promise<{ channel: string; owner: string; until: number }[]> {
    const rows = await this.rows(
      stmt(
        'SELECT channel, lease_owner, lease_until FROM channels WHERE lease_until > ? AND lease_owner IS NOT NULL',
        now,
      ),
    );
    return rows.map((row) => ({
      channel: String(row.channel),
      owner: String(row.lease_owner),
      until: Number(row.lease_until),
    }));
  }

  async nextDueAt(channel: string): Promise<number | undefined> {
    const row = await this.first(
      stmt(`SELECT min(next_attempt_at) AS at FROM deliveries WHERE channel = ? AND state = 'pending'`, channel),
    );
    return row?.at === null || row?.at === undefined ? undefined : Number(row.at);
  }

  async dueDeliveries(now: number, limit: number, channel?: string): Promise<Delivery[]> {
    const rows = channel
      ? await this.rows(
          stmt(
            `SELECT ${DELIVERY_COLUMNS} FROM deliveries
             WHERE channel = ? AND state = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?`,
            channel,
            now,
            limit,
          ),
        )
      : await this.rows(
          stmt(
            `SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?`,
            now,
            limit,
          ),
        );
    return rows.map(toDelivery);
  }

  async markDelivery(
    id: number,
    update: { state: DeliveryState; attempts: number; nextAttemptAt: number; lastError?: string | undefined },
    pace?: { channel: string; nextPostAt: number },
  ): Promise<void> {
    const statements = [
      stmt(
        'UPDATE deliveries SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?',
        update.state,
        update.attempts,
        update.nextAttemptAt,
        update.lastError ?? null,
        id,
      ),
    ];
    if (pace) statements.push(paceStatement(pace.channel, pace.nextPostAt));
    await this.write(...statements);
  }

  async pace(channel: string, nextPostAt: number): Promise<void> {
    await this.write(paceStatement(channel, nextPostAt));
  }

  async outboxBacklog(): Promise<{ pending: number; oldestCreatedAt: number | undefined }> {
    const row = await this.first(
      stmt("SELECT count(*) AS pending, min(created_at) AS oldest FROM deliveries WHERE state = 'pending'"),
    );
    return { pending: Number(row?.pending ?? 0), oldestCreatedAt: optionalNumber(row?.oldest) };
  }

  async listDeliveries(
    states: readonly DeliveryState[],
    limit: number,
  ): Promise<(Delivery & { alertTitle: string })[]> {
    if (states.length === 0) return [];
    const rows = await this.rows(
      stmt(
        `SELECT ${DELIVERY_COLUMNS.split(', ')
          .map((c) => `d.${c.trim()}`)
          .join(', ')}, a.title AS alert_title
         FROM deliveries d JOIN alerts a ON a.id = d.alert_id
         WHERE d.state IN (${states.map(() => '?').join(', ')}) ORDER BY d.id LIMIT ?`,
        ...states,
        limit,
      ),
    );
    return rows.map((row) => ({ ...toDelivery(row), alertTitle: String(row.alert_title) }));
  }

  // Alerts and their messages ---------------------------------------------------------------------------

  async getAlert(id: number): Promise<StoredAlert | undefined> {
    const row = await this.first(stmt(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE id = ?`, id));
    return row ? toStoredAlert(row) : undefined;
  }

  async findAlertByMessage(channel: string, ts: string): Promise<StoredAlert | undefined> {
    // Two lookups, each on its partial index, rather than one OR that SQLite cannot serve from either.
    const row = await this.first(
      stmt(
        `SELECT ${ALERT_COLUMNS} FROM alerts WHERE channel = ? AND explanation_ts = ?
         UNION ALL SELECT ${ALERT_COLUMNS} FROM alerts WHERE channel = ? AND parent_ts = ? LIMIT 1`,
        channel,
        ts,
        channel,
        ts,
      ),
    );
    return row ? toStoredAlert(row) : undefined;
  }

  async markPosting(
    target: { alertId: number; role: 'parent' | 'explanation' } | { deliveryId: number },
    at: number,
  ): Promise<void> {
    if ('deliveryId' in target) {
      await this.write(stmt('UPDATE deliveries SET posting_at = ? WHERE id = ?', at, target.deliveryId));
      return;
    }
    const column = target.role === 'parent' ? 'parent_posting_at' : 'explanation_posting_at';
    await this.write(stmt(`UPDATE alerts SET ${column} = ? WHERE id = ?`, at, target.alertId));
  }

  async saveParent(alertId: number, post: { channel: string; ts: string; teamId: string | undefined }): Promise<void> {
    await this.write(
      stmt(
        'UPDATE alerts SET channel = ?, parent_ts = ?, team_id = coalesce(?, team_id) WHERE id = ?',
        post.channel,
        post.ts,
        post.teamId ?? null,
        alertId,
      ),
    );
  }

  async saveExplanation(
    alertId: number,
    post: { ts: string; entryId: string | undefined; confidence: number | undefined; fixOrder: string[] },
  ): Promise<void> {
    await this.write(
      stmt(
        'UPDATE alerts SET explanation_ts = ?, entry_id = ?, confidence = ?, fix_order = ? WHERE id = ?',
        post.ts,
        post.entryId ?? null,
        post.confidence ?? null,
        JSON.stringify(post.fixOrder),
        alertId,
      ),
    );
  }

  async claimEvent(eventId: string, now: number): Promise<boolean> {
    const changes = await this.write(
      stmt('INSERT INTO slack_events (event_id, received_at) VALUES (?, ?) ON CONFLICT DO NOTHING', eventId, now),
    );
    return changes > 0;
  }

  // Fixes -----------------------------------------------------------------------------------------------

  async recordFix(record: FixRecord): Promise<void> {
    await this.write(
      stmt(
        `INSERT INTO fix_outcomes (alert_id, entry_id, fix_id, service, user_id, team_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        record.alertId,
        record.entryId,
        record.fixId ?? NO_FIX,
        record.service ?? null,
        record.userId,
        record.teamId,
        record.at,
      ),
    );
  }

  async removeFix(record: Pick<FixRecord, 'alertId' | 'fixId' | 'userId'>): Promise<void> {
    await this.write(
      stmt(
        'DELETE FROM fix_outcomes WHERE alert_id = ? AND fix_id = ? AND user_id = ?',
        record.alertId,
        record.fixId ?? NO_FIX,
        record.userId,
      ),
    );
  }

  async fixTallies(entryId: string, service?: string): Promise<{ marked: number; fixes: FixTally[] }> {
    const scope = service ? 'entry_id = ? AND service = ?' : 'entry_id = ?';
    const params: SqlValue[] = service ? [entryId, service] : [entryId];
    const [marked, fixes] = await this.db.unit([
      stmt(`SELECT count(DISTINCT alert_id) AS n FROM fix_outcomes WHERE ${scope}`, ...params),
      stmt(
        `SELECT fix_id, count(DISTINCT alert_id) AS resolved FROM fix_outcomes
         WHERE ${scope} AND fix_id <> '' GROUP BY fix_id`,
        ...params,
      ),
    ]);
    return {
      marked: Number(marked?.rows[0]?.n ?? 0),
      fixes: (fixes?.rows ?? []).map((row) => ({ fixId: String(row.fix_id), resolved: Number(row.resolved) })),
    };
  }

  async stats(): Promise<EntryStats[]> {
    const [perEntry, marked, tallies] = await this.db.unit([
      stmt('SELECT entry_id, count(*) AS n FROM alerts WHERE entry_id IS NOT NULL GROUP BY entry_id'),
      stmt('SELECT entry_id, count(DISTINCT alert_id) AS n FROM fix_outcomes GROUP BY entry_id'),
      stmt(
        `SELECT entry_id, fix_id, count(DISTINCT alert_id) AS n FROM fix_outcomes WHERE fix_id <> ''
         GROUP BY entry_id, fix_id`,
      ),
    ]);
    const byEntry = new Map<string, EntryStats>();
    const statsFor = (entryId: string) => {
      let stats = byEntry.get(entryId);
      if (!stats) {
        stats = { entryId, alerts: 0, marked: 0, fixes: [] };
        byEntry.set(entryId, stats);
      }
      return stats;
    };
    for (const row of perEntry?.rows ?? []) statsFor(String(row.entry_id)).alerts = Number(row.n);
    for (const row of marked?.rows ?? []) statsFor(String(row.entry_id)).marked = Number(row.n);
    for (const row of tallies?.rows ?? [])
      statsFor(String(row.entry_id)).fixes.push({ fixId: String(row.fix_id), resolved: Number(row.n) });
    for (const stats of byEntry.values())
      stats.fixes.sort((a, b) => b.resolved - a.resolved || a.fixId.localeCompare(b.fixId));
    return [...byEntry.values()].sort((a, b) => b.alerts - a.alerts || a.entryId.localeCompare(b.entryId));
  }

  // Alert storms ----------------------------------------------------------------------------------------

  async placeInStorm(input: {
    alertId: number;
    channel: string;
    entryKey: string;
    now: number;
    windowMs: number;
    threshold: number;
  }): Promise<StormPlacement> {
    const { alertId, channel, entryKey, now, threshold } = input;
    const since = now - input.windowMs;
    // One unit: join the open digest if there is one; else open one if the pattern has been posted alone
    // `threshold` times within the window; else stay alone. Two drainers cannot both open a digest.
    const results = await this.db.unit([
      stmt(
        `UPDATE alerts SET digest_id = (SELECT id FROM digests WHERE channel = ? AND entry_key = ? AND last_joined_at >= ?
                                        ORDER BY id DESC LIMIT 1)
         WHERE id = ? AND digest_id IS NULL`,
        channel,
        entryKey,
        since,
        alertId,
      ),
      stmt(
        `UPDATE digests SET last_joined_at = max(last_joined_at, ?), version = version + 1
         WHERE id = (SELECT digest_id FROM alerts WHERE id = ?) AND representative_alert_id <> ?`,
        now,
        alertId,
        alertId,
      ),
      stmt(
        `INSERT INTO digests (channel, entry_key, representative_alert_id, opened_at, last_joined_at)
         SELECT ?, ?, ?, ?, ?
         WHERE (SELECT digest_id FROM alerts WHERE id = ?) IS NULL
           AND (SELECT count(*) FROM alerts WHERE channel = ? AND coalesce(entry_id, '') = ? AND parent_posting_at >= ?
                AND digest_id IS NULL) >= ?`,
        channel,
        entryKey,
        alertId,
        now,
        now,
        alertId,
        channel,
        entryKey,
        since,
        threshold,
      ),
      stmt(
        `UPDATE alerts SET digest_id = (SELECT id FROM digests WHERE representative_alert_id = ? ORDER BY id DESC LIMIT 1)
         WHERE id = ? AND digest_id IS NULL`,
        alertId,
        alertId,
      ),
      stmt(
        `SELECT ${DIGEST_COLUMNS}, representative_alert_id = ? AS opened
         FROM digests WHERE id = (SELECT digest_id FROM alerts WHERE id = ?)`,
        alertId,
        alertId,
      ),
    ]);
    const row = results[4]?.rows[0];
    if (!row) return { kind: 'alone' };
    return Number(row.opened) === 1 ? { kind: 'opened', digest: toDigest(row) } : { kind: 'joined' };
  }

  async touchDigest(digestId: number): Promise<void> {
    await this.write(stmt('UPDATE digests SET version = version + 1 WHERE id = ?', digestId));
  }

  async saveDigestPosting(digestId: number, at: number): Promise<void> {
    await this.write(stmt('UPDATE digests SET parent_posting_at = ? WHERE id = ?', at, digestId));
  }

  async saveDigestParent(post: {
    digestId: number;
    ts: string;
    version: number;
    representativeAlertId: number;
    channel: string;
    teamId: string | undefined;
  }): Promise<void> {
    // The digest's message and its representative alert's parent are one fact: saved together.
    await this.write(
      stmt(
        'UPDATE digests SET parent_ts = ?, refreshed_version = max(refreshed_version, ?) WHERE id = ?',
        post.ts,
        post.version,
        post.digestId,
      ),
      stmt(
        'UPDATE alerts SET channel = ?, parent_ts = ?, team_id = coalesce(?, team_id) WHERE id = ?',
        post.channel,
        post.ts,
        post.teamId ?? null,
        post.representativeAlertId,
      ),
    );
  }

  async staleDigests(limit: number, channel?: string): Promise<Digest[]> {
    const rows = await this.rows(
      channel
        ? stmt(
            `SELECT ${DIGEST_COLUMNS} FROM digests
             WHERE channel = ? AND parent_ts IS NOT NULL AND refreshed_version < version ORDER BY id LIMIT ?`,
            channel,
            limit,
          )
        : stmt(
            `SELECT ${DIGEST_COLUMNS} FROM digests
             WHERE parent_ts IS NOT NULL AND refreshed_version < version ORDER BY id LIMIT ?`,
            limit,
          ),
    );
    return rows.map(toDigest);
  }

  async markDigestRefreshed(digestId: number, version: number): Promise<void> {
    await this.write(
      stmt('UPDATE digests SET refreshed_version = max(refreshed_version, ?) WHERE id = ?', version, digestId),
    );
  }

  async getDigest(id: number): Promise<Digest | undefined> {
    const row = await this.first(stmt(`SELECT ${DIGEST_COLUMNS} FROM digests WHERE id = ?`, id));
    return row ? toDigest(row) : undefined;
  }

  async digestMembers(
    digestId: number,
    limit: number,
  ): Promise<{ members: DigestMember[]; total: number; firing: number }> {
    const [members, counts] = await this.db.unit([
      stmt(
        'SELECT title, service, severity, status FROM alerts WHERE digest_id = ? ORDER BY id LIMIT ?',
        digestId,
        limit,
      ),
      // Counted over every member, not only the listed ones: a digest of 9,995 firing says 9,995.
      stmt(
        `SELECT count(*) AS total, coalesce(sum(status = 'firing'), 0) AS firing FROM alerts WHERE digest_id = ?`,
        digestId,
      ),
    ]);
    return {
      members: (members?.rows ?? []).map((m) => ({
        title: String(m.title),
        service: optionalString(m.service),
        severity: optionalString(m.severity),
        status: m.status === 'resolved' ? 'resolved' : 'firing',
      })),
      total: Number(counts?.rows[0]?.total ?? 0),
      firing: Number(counts?.rows[0]?.firing ?? 0),
    };
  }

  // Retention -------------------------------------------------------------------------------------------

  async prune(before: number): Promise<number> {
    // Alerts past retention go with their deliveries, unless a fix or a correction was recorded against them
    // (ranking and the corrections count those) or a digest still in use names them as its representative;
    // those keep their title and lose the rest. A digest past retention lets its representative go too.
    const keep = `(id IN (SELECT alert_id FROM fix_outcomes) OR id IN (SELECT alert_id FROM corrections)
                   OR id IN (SELECT representative_alert_id FROM digests WHERE last_joined_at > ?))`;
    const results = await this.db.unit([
      stmt(
        `DELETE FROM deliveries WHERE alert_id IN (SELECT id FROM alerts WHERE last_seen_at <= ? AND NOT ${keep})`,
        before,
        before,
      ),
      stmt(
        `DELETE FROM alert_actions WHERE alert_id IN (SELECT id FROM alerts WHERE last_seen_at <= ? AND NOT ${keep})`,
        before,
        before,
      ),
      stmt(`DELETE FROM alerts WHERE last_seen_at <= ? AND NOT ${keep}`, before, before),
      stmt(
        `UPDATE alerts SET labels = '{}', description = '' WHERE last_seen_at <= ? AND (labels <> '{}' OR description <> '')`,
        before,
      ),
      stmt(
        `DELETE FROM digests WHERE last_joined_at <= ? AND id NOT IN (SELECT digest_id FROM alerts WHERE digest_id IS NOT NULL)`,
        before,
      ),
      // Slack retries an event for about an hour; ids older than the retention are of no use.
      stmt('DELETE FROM slack_events WHERE received_at <= ?', before),
    ]);
    return (results[2]?.changes ?? 0) + (results[3]?.changes ?? 0);
  }

  // Acting on alerts from Slack ---------------------------------------------------------------------------

  async acknowledge(alertId: number, userId: string, at: number): Promise<AckOutcome> {
    const results = await this.db.unit([
      stmt('SELECT acked_by FROM alerts WHERE id = ?', alertId),
      stmt(
        `INSERT INTO alert_actions (alert_id, kind, user_id, at)
         SELECT id, CASE WHEN acked_by IS NULL THEN 'ack' ELSE 'takeover' END, ?, ? FROM alerts
         WHERE id = ? AND (acked_by IS NULL OR acked_by <> ?)`,
        userId,
        at,
        alertId,
        userId,
      ),
      stmt(
        `UPDATE alerts SET acked_by = ?, acked_at = ?, first_acked_at = coalesce(first_acked_at, ?)
         WHERE ${ALERT_AND_DIGEST} AND (acked_by IS NULL OR acked_by <> ?)`,
        userId,
        at,
        at,
        alertId,
        alertId,
        userId,
      ),
    ]);
    if ((results[1]?.changes ?? 0) === 0) return { kind: 'unchanged' };
    const previous = optionalString(results[0]?.rows[0]?.acked_by);
    return previous ? { kind: 'takeover', from: previous } : { kind: 'ack' };
  }

  async unacknowledge(alertId: number, userId: string, at: number): Promise<boolean> {
    const results = await this.db.unit([
      stmt(
        `INSERT INTO alert_actions (alert_id, kind, user_id, at)
         SELECT id, 'unack', ?, ? FROM alerts WHERE id = ? AND acked_by IS NOT NULL`,
        userId,
        at,
        alertId,
      ),
      stmt(`UPDATE alerts SET acked_by = NULL, acked_at = NULL WHERE ${ALERT_AND_DIGEST}`, alertId, alertId),
    ]);
    return (results[0]?.changes ?? 0) > 0;
  }

  async claimSilence(alertId: number, token: string, now: number, staleBefore: number): Promise<boolean> {
    // `pending:<time>:<token>` while Alertmanager is asked; a reservation older than staleBefore was abandoned.
    const changes = await this.write(
      stmt(
        `UPDATE alerts SET silence_id = ?, silenced_until = NULL WHERE id = ? AND (silence_id IS NULL
           OR (silence_id LIKE 'pending:%' AND CAST(substr(silence_id, 9, 13) AS INTEGER) < ?)
           OR (silence_id NOT LIKE 'pending:%' AND silenced_until <= ?))`,
        `pending:${String(now).padStart(13, '0')}:${token}`,
        alertId,
        staleBefore,
        now,
      ),
    );
    return changes > 0;
  }

  async releaseSilence(alertId: number, token: string): Promise<void> {
    await this.write(
      stmt(`UPDATE alerts SET silence_id = NULL WHERE id = ? AND silence_id LIKE ?`, alertId, `pending:%:${token}`),
    );
  }

  async saveSilence(
    alertId: number,
    silence: { token: string; silenceId: string; until: number; userId: string; at: number },
  ): Promise<void> {
    await this.write(
      stmt(
        `UPDATE alerts SET silence_id = ?, silenced_until = ? WHERE id = ? AND silence_id LIKE ?`,
        silence.silenceId,
        silence.until,
        alertId,
        `pending:%:${silence.token}`,
      ),
      stmt(
        `INSERT INTO alert_actions (alert_id, kind, user_id, at, silence_id, until) VALUES (?, 'silence', ?, ?, ?, ?)`,
        alertId,
        silence.userId,
        silence.at,
        silence.silenceId,
        silence.until,
      ),
    );
  }

  async clearSilence(alertId: number, silenceId: string, userId: string, at: number): Promise<boolean> {
    const results = await this.db.unit([
      stmt(
        `INSERT INTO alert_actions (alert_id, kind, user_id, at, silence_id)
         SELECT id, 'expire', ?, ?, silence_id FROM alerts WHERE id = ? AND silence_id = ?`,
        userId,
        at,
        alertId,
        silenceId,
      ),
      stmt(
        'UPDATE alerts SET silence_id = NULL, silenced_until = NULL WHERE id = ? AND silence_id = ?',
        alertId,
        silenceId,
      ),
    ]);
    return (results[1]?.changes ?? 0) > 0;
  }

  async recentActions(limit: number): Promise<AlertAction[]> {
    const rows = await this.rows(
      stmt(
        `SELECT x.alert_id, a.title, x.kind, x.user_id, x.at, x.silence_id, x.until
         FROM alert_actions x JOIN alerts a ON a.id = x.alert_id ORDER BY x.id DESC LIMIT ?`,
        limit,
      ),
    );
    return rows.map((row) => ({
      alertId: Number(row.alert_id),
      alertTitle: String(row.title),
      kind: row.kind as AlertActionKind,
      userId: String(row.user_id),
      at: Number(row.at),
      silenceId: optionalString(row.silence_id),
      until: optionalNumber(row.until),
    }));
  }

  async ackMedians(): Promise<Map<string, number>> {
    // The median per entry with window functions: row number against the count, inside SQLite. Named index:
    // without ANALYZE statistics SQLite would pick alerts_entry and read every matched alert (0.5 s at 100,000).
    const rows = await this.rows(
      stmt(
        `SELECT entry_id, avg(ms) AS median FROM (
           SELECT entry_id, (first_acked_at - first_seen_at) AS ms,
                  row_number() OVER (PARTITION BY entry_id ORDER BY (first_acked_at - first_seen_at)) AS rn,
                  count(*) OVER (PARTITION BY entry_id) AS n
           FROM alerts INDEXED BY alerts_ack_time WHERE entry_id IS NOT NULL AND first_acked_at IS NOT NULL)
         WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY entry_id`,
      ),
    );
    return new Map(rows.map((row) => [String(row.entry_id), Math.round(Number(row.median) / 1000)]));
  }

  // Metrics shared by every isolate ----------------------------------------------------------------------

  async addCounters(
    increments: readonly { name: string; labels: Readonly<Record<string, string>>; value: number }[],
  ): Promise<void> {
    if (increments.length === 0) return;
    await this.db.unit(
      increments.map((inc) =>
        stmt(
          `INSERT INTO metric_counters (name, labels, value) VALUES (?, ?, ?)
           ON CONFLICT (name, labels) DO UPDATE SET value = metric_counters.value + excluded.value`,
          inc.name,
          JSON.stringify(Object.fromEntries(Object.entries(inc.labels).sort(([a], [b]) => a.localeCompare(b)))),
          inc.value,
        ),
      ),
    );
  }

  async counters(): Promise<{ name: string; labels: Record<string, string>; value: number }[]> {
    const rows = await this.rows(stmt('SELECT name, labels, value FROM metric_counters ORDER BY name, labels'));
    return rows.map((row) => ({
      name: String(row.name),
      labels: JSON.parse(String(row.labels)) as Record<string, string>,
      value: Number(row.value),
    }));
  }

  // Rate limits shared by every isolate -----------------------------------------------------------------

  async countRequest(key: string, windowStart: number): Promise<number> {
    const row = await this.first(
      stmt(
        `INSERT INTO rate_windows (key, window_start, count) VALUES (?, ?, 1)
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN rate_windows.window_start = excluded.window_start THEN rate_windows.count + 1 ELSE 1 END,
           window_start = excluded.window_start
         RETURNING count`,
        key,
        windowStart,
      ),
    );
    return Number(row?.count ?? 1);
  }

  // Listening -------------------------------------------------------------------------------------------

  async receiveListened(input: ListenedMessage, repostWindowMs: number): Promise<ReceiptOutcome> {
    const [first] = await this.db.unit(listenedStatements(input, repostWindowMs));
    return (first?.rows[0]?.outcome as ReceiptOutcome | undefined) ?? 'duplicate';
  }

  // Corrections -----------------------------------------------------------------------------------------

  async recordCorrection(input: CorrectionInput): Promise<void> {
    const statements: Statement[] = [
      // From the entry the alert shows now, read inside the unit.
      stmt(
        `INSERT INTO corrections (alert_id, team_id, kind, from_entry, to_entry, user_id, at)
         SELECT id, ?, ?, entry_id, ?, ?, ? FROM alerts WHERE id = ?`,
        input.teamId,
        input.kind,
        input.toEntry ?? null,
        input.userId,
        input.at,
        input.alertId,
      ),
      stmt(
        'UPDATE alerts SET entry_id = ?, confidence = ?, fix_order = ? WHERE id = ?',
        input.toEntry ?? null,
        input.kind === 'correct' ? 1 : null,
        JSON.stringify(input.fixOrder),
        input.alertId,
      ),
    ];
    for (const kindKey of input.kindKeys) {
      statements.push(
        input.kind === 'correct' && input.toEntry
          ? stmt(
              `INSERT INTO match_overrides (team_id, kind_key, entry_id, at) VALUES (?, ?, ?, ?)
               ON CONFLICT (team_id, kind_key) DO UPDATE SET entry_id = excluded.entry_id, at = excluded.at`,
              input.teamId,
              kindKey,
              input.toEntry,
              input.at,
            )
          : stmt('DELETE FROM match_overrides WHERE team_id = ? AND kind_key = ?', input.teamId, kindKey),
      );
    }
    await this.write(...statements);
  }

  async lastCorrection(alertId: number): Promise<Correction | undefined> {
    const row = await this.first(
      stmt(
        `SELECT alert_id, kind, from_entry, to_entry, user_id, at FROM corrections WHERE alert_id = ?
         ORDER BY id DESC LIMIT 1`,
        alertId,
      ),
    );
    if (!row) return undefined;
    return {
      alertId: Number(row.alert_id),
      kind: row.kind === 'undo' ? 'undo' : 'correct',
      fromEntry: optionalString(row.from_entry),
      toEntry: optionalString(row.to_entry),
      userId: String(row.user_id),
      at: Number(row.at),
    };
  }

  async matchOverride(teamId: string, kindKeys: readonly string[]): Promise<string | undefined> {
    if (kindKeys.length === 0) return undefined;
    const rows = await this.rows(
      stmt(
        `SELECT kind_key, entry_id FROM match_overrides WHERE team_id = ? AND kind_key IN (${kindKeys.map(() => '?').join(', ')})`,
        teamId,
        ...kindKeys,
      ),
    );
    for (const key of kindKeys) {
      const row = rows.find((r) => r.kind_key === key);
      if (row) return String(row.entry_id);
    }
    return undefined;
  }

  async correctionStats(): Promise<CorrectionTally[]> {
    return (await this.rows(stmt(CORRECTION_TALLIES))).map(toCorrectionTally);
  }

  // App Home --------------------------------------------------------------------------------------------

  async homeStats(since: number, limit: number): Promise<HomeStats> {
    const [counts, explained, perEntry, marked, tallies, medians, gaps, failedCount, failed, fixes, channels] =
      await this.db.unit([
        // Each count reads an index: all of it (covering) or the recent range of first_seen_at.
        stmt(
          `SELECT (SELECT count(*) FROM alerts) AS total,
                  (SELECT count(*) FROM alerts WHERE first_seen_at >= ?) AS recent`,
          since,
        ),
        stmt(
          `SELECT (SELECT count(*) FROM alerts WHERE channel IS NOT NULL AND explanation_ts IS NOT NULL) AS total,
                  (SELECT count(*) FROM alerts WHERE first_seen_at >= ? AND explanation_ts IS NOT NULL) AS recent,
                  (SELECT count(*) FROM alerts WHERE entry_id IS NULL AND explanation_ts IS NOT NULL) AS unmatched`,
          since,
        ),
        stmt(
          `SELECT entry_id, count(*) AS n FROM alerts WHERE entry_id IS NOT NULL
           GROUP BY entry_id ORDER BY n DESC, entry_id LIMIT ?`,
          limit,
        ),
        stmt('SELECT entry_id, count(DISTINCT alert_id) AS n FROM fix_outcomes GROUP BY entry_id'),
        stmt(
          `SELECT entry_id, fix_id, count(DISTINCT alert_id) AS n FROM fix_outcomes WHERE fix_id <> ''
           GROUP BY entry_id, fix_id`,
        ),
        // Median first seen -> resolved per pattern, with window functions (D1 has no median()), read in the
        // order of the alerts_resolve_time index.
        stmt(
          `SELECT entry_id, avg(d) AS median FROM (
             SELECT entry_id, resolved_at - first_seen_at AS d,
                    row_number() OVER (PARTITION BY entry_id ORDER BY resolved_at - first_seen_at) AS rn,
                    count(*) OVER (PARTITION BY entry_id) AS n
             FROM alerts INDEXED BY alerts_resolve_time WHERE entry_id IS NOT NULL AND resolved_at IS NOT NULL)
           WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY entry_id`,
        ),
        stmt(
          `SELECT title, count(*) AS n FROM alerts WHERE entry_id IS NULL AND explanation_ts IS NOT NULL
           GROUP BY title ORDER BY n DESC, title LIMIT ?`,
          limit,
        ),
        stmt(`SELECT count(*) AS n FROM deliveries WHERE state = 'failed'`),
        stmt(
          `SELECT d.channel, d.kind, d.last_error, a.title AS alert_title FROM deliveries d JOIN alerts a ON a.id = d.alert_id
           WHERE d.state = 'failed' ORDER BY d.id DESC LIMIT 5`,
        ),
        stmt(CORRECTION_TALLIES),
        stmt(
          `SELECT channel, count(*) AS n FROM alerts WHERE channel IS NOT NULL AND parent_ts IS NOT NULL
           GROUP BY channel ORDER BY n DESC, channel LIMIT ?`,
          limit,
        ),
      ]);
    const markedBy = new Map((marked?.rows ?? []).map((r) => [String(r.entry_id), Number(r.n)]));
    const medianBy = new Map((medians?.rows ?? []).map((r) => [String(r.entry_id), Number(r.median)]));
    const fixesBy = new Map<string, FixTally[]>();
    for (const row of tallies?.rows ?? []) {
      const list = fixesBy.get(String(row.entry_id)) ?? [];
      list.push({ fixId: String(row.fix_id), resolved: Number(row.n) });
      fixesBy.set(String(row.entry_id), list);
    }
    return {
      alerts: { total: Number(counts?.rows[0]?.total ?? 0), since: Number(counts?.rows[0]?.recent ?? 0) },
      explanations: { total: Number(explained?.rows[0]?.total ?? 0), since: Number(explained?.rows[0]?.recent ?? 0) },
      unmatched: Number(explained?.rows[0]?.unmatched ?? 0),
      patterns: (perEntry?.rows ?? []).map((row) => {
        const entryId = String(row.entry_id);
        return {
          entryId,
          alerts: Number(row.n),
          marked: markedBy.get(entryId) ?? 0,
          fixes: (fixesBy.get(entryId) ?? []).sort((a, b) => b.resolved - a.resolved || a.fixId.localeCompare(b.fixId)),
          medianResolveMs: medianBy.get(entryId),
        };
      }),
      gaps: (gaps?.rows ?? []).map((row) => ({ title: String(row.title), count: Number(row.n) })),
      failedDeliveries: {
        total: Number(failedCount?.rows[0]?.n ?? 0),
        recent: (failed?.rows ?? []).map((row) => ({
          channel: String(row.channel),
          kind: row.kind as Delivery['kind'],
          lastError: optionalString(row.last_error),
          alertTitle: String(row.alert_title),
        })),
      },
      corrections: (fixes?.rows ?? []).map(toCorrectionTally),
      channels: (channels?.rows ?? []).map((row) => ({ channel: String(row.channel), alerts: Number(row.n) })),
    };
  }

  async channelSummary(channel: string): Promise<ChannelSummary> {
    const [alerts, marked, deliveries, last] = await this.db.unit([
      // The partial indexes on (channel, parent_ts) and (channel, explanation_ts) cover both counts.
      stmt(
        `SELECT (SELECT count(*) FROM alerts WHERE channel = ? AND parent_ts IS NOT NULL) AS alerts,
                (SELECT count(*) FROM alerts WHERE channel = ? AND explanation_ts IS NOT NULL) AS explained`,
        channel,
        channel,
      ),
      stmt(
        `SELECT count(DISTINCT f.alert_id) AS n FROM fix_outcomes f JOIN alerts a ON a.id = f.alert_id
         WHERE a.channel = ?`,
        channel,
      ),
      stmt(
        `SELECT coalesce(sum(state = 'pending'), 0) AS pending, coalesce(sum(state = 'failed'), 0) AS failed
         FROM deliveries WHERE channel = ? AND state IN ('pending', 'failed')`,
        channel,
      ),
      stmt(
        `SELECT last_error FROM deliveries WHERE channel = ? AND state = 'failed' ORDER BY id DESC LIMIT 1`,
        channel,
      ),
    ]);
    return {
      alerts: Number(alerts?.rows[0]?.alerts ?? 0),
      explained: Number(alerts?.rows[0]?.explained ?? 0),
      marked: Number(marked?.rows[0]?.n ?? 0),
      pending: Number(deliveries?.rows[0]?.pending ?? 0),
      failed: Number(deliveries?.rows[0]?.failed ?? 0),
      lastError: optionalString(last?.rows[0]?.last_error),
    };
  }
}

/** Corrections that still stand: an alert's latest row, when it is a correction, counted per (from, to). */
const CORRECTION_TALLIES = `
  SELECT c.from_entry, c.to_entry, count(*) AS n FROM corrections c
  WHERE c.kind = 'correct' AND c.id = (SELECT max(id) FROM corrections WHERE alert_id = c.alert_id)
  GROUP BY c.from_entry, c.to_entry ORDER BY n DESC, c.to_entry LIMIT 50`;

function toCorrectionTally(row: Record<string, unknown>): CorrectionTally {
  return { fromEntry: optionalString(row.from_entry), toEntry: optionalString(row.to_entry), count: Number(row.n) };
}

export function listenedStatements(m: ListenedMessage, repostWindowMs: number): Statement[] {
  // The message's own id in slack_events: a message read once is never read again (Slack retries, a
  // redelivery through Socket Mode), decided inside the unit, so two concurrent retries cannot both count.
  const seenKey = `message:${m.channel}:${m.ts}`;
  const seen = 'EXISTS (SELECT 1 FROM slack_events WHERE event_id = ?)';
  const record = stmt(
    'INSERT INTO slack_events (event_id, received_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
    seenKey,
    m.now,
  );
  if (m.status === 'resolved') {
    return [
      stmt(
        `UPDATE alerts SET status = 'resolved', last_outcome = 'resolved', transitions = transitions + 1,
           resolved_at = ?, last_seen_at = max(last_seen_at, ?)
         WHERE dedup_key = ? AND status = 'firing' AND NOT ${seen}
         RETURNING last_outcome AS outcome`,
        m.now,
        m.now,
        m.dedupKey,
        seenKey,
      ),
      stmt(QUEUE_DELIVERY, m.channel, m.now, m.now, null, m.dedupKey),
      record,
    ];
  }
  // The first message of an alert is its parent: the explanation goes in that message's thread. A later
  // message of the same alert is a re-post (one note within the window), or the alert firing again after
  // its resolved message (a reopen note).
  return [
    stmt(
      `INSERT INTO alerts (dedup_key, source, status, last_outcome, title, description, labels, team_id, channel,
                           parent_ts, first_seen_at, last_seen_at)
       VALUES (?, ?, 'firing', 'new', ?, ?, '{}', ?, ?, ?, ?, ?)
       ON CONFLICT (dedup_key) DO UPDATE SET
         last_outcome = CASE
           WHEN ${seen} OR alerts.parent_ts = excluded.parent_ts THEN 'duplicate'
           WHEN alerts.status = 'resolved' THEN 'reopened'
           WHEN alerts.repeat_count = 0 AND excluded.last_seen_at - alerts.first_seen_at <= ? THEN 'repeat'
           ELSE 'duplicate' END,
         transitions = alerts.transitions + (alerts.status = 'resolved' AND NOT ${seen}),
         resolved_at = CASE WHEN ${seen} THEN alerts.resolved_at END,
         status = CASE WHEN ${seen} THEN alerts.status ELSE 'firing' END,
         repeat_count = alerts.repeat_count + (NOT ${seen} AND alerts.parent_ts <> excluded.parent_ts),
         last_seen_at = max(alerts.last_seen_at, excluded.last_seen_at)
       RETURNING last_outcome AS outcome`,
      m.dedupKey,
      m.source,
      m.title,
      m.description,
      m.teamId,
      m.channel,
      m.ts,
      m.now,
      m.now,
      seenKey,
      repostWindowMs,
      seenKey,
      seenKey,
      seenKey,
      seenKey,
    ),
    stmt(QUEUE_DELIVERY, m.channel, m.now, m.now, null, m.dedupKey),
    record,
  ];
}

function paceStatement(channel: string, nextPostAt: number): Statement {
  return stmt(
    `INSERT INTO channels (channel, next_post_at) VALUES (?, ?)
     ON CONFLICT (channel) DO UPDATE SET next_post_at = max(channels.next_post_at, excluded.next_post_at)`,
    channel,
    nextPostAt,
  );
}

const optionalString = (value: unknown): string | undefined =>
  value === null || value === undefined ? undefined : String(value);
const optionalNumber = (value: unknown): number | undefined =>
  value === null || value === undefined ? undefined : Number(value);

function toStoredAlert(row: Record<string, unknown>): StoredAlert {
  return {
    id: Number(row.id),
    source: String(row.source),
    dedupKey: String(row.dedup_key),
    status: row.status === 'resolved' ? 'resolved' : 'firing',
    title: String(row.title),
    description: String(row.description),
    service: optionalString(row.service),
    severity: optionalString(row.severity),
    statusCode: optionalNumber(row.status_code),
    startsAt: optionalString(row.starts_at),
    endsAt: optionalString(row.ends_at),
    url: optionalString(row.url),
    labels: JSON.parse(String(row.labels)) as Record<string, string>,
    teamId: optionalString(row.team_id),
    channel: optionalString(row.channel),
    parentTs: optionalString(row.parent_ts),
    explanationTs: optionalString(row.explanation_ts),
    entryId: optionalString(row.entry_id),
    confidence: optionalNumber(row.confidence),
    fixOrder: JSON.parse(String(row.fix_order)) as string[],
    firstSeenAt: Number(row.first_seen_at),
    lastSeenAt: Number(row.last_seen_at),
    resolvedAt: optionalNumber(row.resolved_at),
    repeatCount: Number(row.repeat_count),
    parentPostingAt: optionalNumber(row.parent_posting_at),
    explanationPostingAt: optionalNumber(row.explanation_posting_at),
    digestId: optionalNumber(row.digest_id),
    ackedBy: optionalString(row.acked_by),
    ackedAt: optionalNumber(row.acked_at),
    silenceId: optionalString(row.silence_id),
    silencedUntil: optionalNumber(row.silenced_until),
  };
}

function toDigest(row: Record<string, unknown>): Digest {
  return {
    id: Number(row.id),
    channel: String(row.channel),
    entryKey: String(row.entry_key),
    representativeAlertId: Number(row.representative_alert_id),
    openedAt: Number(row.opened_at),
    lastJoinedAt: Number(row.last_joined_at),
    parentTs: optionalString(row.parent_ts),
    parentPostingAt: optionalNumber(row.parent_posting_at),
    version: Number(row.version),
    refreshedVersion: Number(row.refreshed_version),
  };
}

function toDelivery(row: Record<string, unknown>): Delivery {
  return {
    id: Number(row.id),
    alertId: Number(row.alert_id),
    kind: row.kind as Delivery['kind'],
    channel: String(row.channel),
    state: row.state as DeliveryState,
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    lastError: optionalString(row.last_error),
    createdAt: Number(row.created_at),
    postingAt: optionalNumber(row.posting_at),
    requestId: optionalString(row.request_id),
  };
}
