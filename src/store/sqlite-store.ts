/**
 * The AlertStore over better-sqlite3 through drizzle: one SQLite file, WAL mode, migrations applied on open.
 *
 * Each method is a fixed list of statements run in one synchronous transaction (the same plan a D1 batch
 * would commit): conflict-tolerant upserts on the dedup keys decide new versus duplicate inside SQLite, so
 * concurrent deliveries of one alert cannot both create it.
 * @module
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { and, asc, count, countDistinct, desc, eq, gte, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { Alert } from '../core/alerts/alert.js';
import type {
  AlertStore,
  Delivery,
  DeliveryState,
  Digest,
  DigestMember,
  EntryStats,
  FixRecord,
  FixTally,
  ReceiptOutcome,
  StoredAlert,
} from '../core/ports.js';
import * as schema from './schema.js';
import { alerts, deliveries, digests, fixOutcomes, slackEvents } from './schema.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/** A repeat notification older than this since the last one earns a short thread note; sooner ones are redeliveries. */
export const REPEAT_NOTE_AFTER_MS = 30 * 60 * 1000;

/** Fix ids are stored as '' for "resolved with no listed fix", so that the unique index covers it. */
const NO_FIX = '';

export interface SqliteStoreHandle {
  store: AlertStore;
  db: BetterSQLite3Database<typeof schema>;
  sqlite: Database.Database;
  close(): void;
}

export function openSqliteStore(path: string): SqliteStoreHandle {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a receipt is on disk (the WAL is fsynced) before its sender is told 2xx. Group commit keeps
  // that affordable under load.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  return { store: new SqliteAlertStore(db, sqlite), db, sqlite, close: () => sqlite.close() };
}

interface PendingReceipt {
  alerts: readonly Alert[];
  channel: string;
  now: number;
  resolve: (outcomes: ReceiptOutcome[]) => void;
  reject: (error: unknown) => void;
}

class SqliteAlertStore implements AlertStore {
  constructor(
    private readonly db: BetterSQLite3Database<typeof schema>,
    private readonly sqlite: Database.Database,
  ) {
    this.upsertAlert = sqlite.prepare(SqliteAlertStore.UPSERT_ALERT);
    this.queueDelivery = sqlite.prepare(SqliteAlertStore.QUEUE_DELIVERY);
  }

  // Group commit: the receipts of concurrent requests are written in one transaction (one fsync), and
  // each request still waits for that commit before its sender hears 2xx.
  private pending: PendingReceipt[] = [];
  private flushScheduled = false;

  receiveAlerts(incoming: readonly Alert[], channel: string, now: number): Promise<ReceiptOutcome[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ alerts: incoming, channel, now, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flushReceipts());
      }
    });
  }

  private flushReceipts(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    const write = (receipt: PendingReceipt) =>
      receipt.alerts.map((alert) => this.receiveOne(alert, receipt.channel, receipt.now));
    try {
      const outcomes = this.sqlite.transaction(() => batch.map(write))();
      for (const [i, receipt] of batch.entries()) receipt.resolve(outcomes[i] as ReceiptOutcome[]);
    } catch {
      // One receipt that cannot be written must not fail the others: commit them one by one instead.
      for (const receipt of batch) {
        try {
          receipt.resolve(this.sqlite.transaction(() => write(receipt))());
        } catch (error) {
          receipt.reject(error);
        }
      }
    }
  }

  // The two statements every webhook runs, prepared once. Building them through drizzle on each call cost
  // more CPU than the writes themselves (see BENCHMARKS.md); the SQL is the same upsert either way.
  private readonly upsertAlert: Database.Statement<unknown[], { outcome: ReceiptOutcome }>;
  private readonly queueDelivery: Database.Statement<unknown[]>;

  private static readonly UPSERT_ALERT = `
    INSERT INTO alerts (dedup_key, source, status, last_outcome, title, description, service, severity, status_code,
                        starts_at, ends_at, url, labels, first_seen_at, last_seen_at, resolved_at)
    VALUES (?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (dedup_key) DO UPDATE SET
      last_outcome = CASE
        WHEN alerts.status = 'firing' AND excluded.status = 'resolved' THEN 'resolved'
        WHEN alerts.status = 'resolved' AND excluded.status = 'firing' THEN 'reopened'
        WHEN alerts.status = 'firing' AND excluded.last_seen_at - alerts.last_seen_at >= ${REPEAT_NOTE_AFTER_MS} THEN 'repeat'
        ELSE 'duplicate' END,
      status = excluded.status,
      last_seen_at = max(alerts.last_seen_at, excluded.last_seen_at),
      repeat_count = alerts.repeat_count + 1,
      resolved_at = CASE WHEN excluded.status = 'resolved' THEN coalesce(alerts.resolved_at, excluded.resolved_at) END,
      ends_at = coalesce(excluded.ends_at, alerts.ends_at)
    RETURNING last_outcome AS outcome`;

  private static readonly QUEUE_DELIVERY = `
    INSERT INTO deliveries (alert_id, kind, channel, state, attempts, next_attempt_at, created_at)
    SELECT id, CASE last_outcome WHEN 'new' THEN 'post' WHEN 'resolved' THEN 'resolve' WHEN 'repeat' THEN 'repeat'
                                 WHEN 'reopened' THEN 'reopen' END, ?, 'pending', 0, ?, ?
    FROM alerts WHERE dedup_key = ? AND last_outcome <> 'duplicate'
    ON CONFLICT (alert_id, kind) DO NOTHING`;

  private receiveOne(alert: Alert, channel: string, now: number): ReceiptOutcome {
    const row = this.upsertAlert.get(
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
    );
    if (row?.outcome !== 'duplicate') this.queueDelivery.run(channel, now, now, alert.dedupKey);
    return row?.outcome ?? 'duplicate';
  }

  async dueDeliveries(now: number, limit: number): Promise<Delivery[]> {
    const rows = this.db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.state, 'pending'), lte(deliveries.nextAttemptAt, now)))
      .orderBy(asc(deliveries.id))
      .limit(limit)
      .all();
    return rows.map(toDelivery);
  }

  async getAlert(id: number): Promise<StoredAlert | undefined> {
    const row = this.db.select().from(alerts).where(eq(alerts.id, id)).get();
    return row ? toStoredAlert(row) : undefined;
  }

  async findAlertByMessage(channel: string, ts: string): Promise<StoredAlert | undefined> {
    const row = this.db
      .select()
      .from(alerts)
      .where(and(eq(alerts.channel, channel), or(eq(alerts.explanationTs, ts), eq(alerts.parentTs, ts))))
      .get();
    return row ? toStoredAlert(row) : undefined;
  }

  async markPosting(
    target: { alertId: number; role: 'parent' | 'explanation' } | { deliveryId: number },
    at: number,
  ): Promise<void> {
    if ('deliveryId' in target) {
      this.db.update(deliveries).set({ postingAt: at }).where(eq(deliveries.id, target.deliveryId)).run();
      return;
    }
    const column = target.role === 'parent' ? { parentPostingAt: at } : { explanationPostingAt: at };
    this.db.update(alerts).set(column).where(eq(alerts.id, target.alertId)).run();
  }

  async saveParent(alertId: number, post: { channel: string; ts: string; teamId: string | undefined }): Promise<void> {
    this.db
      .update(alerts)
      .set({ channel: post.channel, parentTs: post.ts, teamId: post.teamId ?? null })
      .where(eq(alerts.id, alertId))
      .run();
  }

  async saveExplanation(
    alertId: number,
    post: { ts: string; entryId: string | undefined; confidence: number | undefined; fixOrder: string[] },
  ): Promise<void> {
    this.db
      .update(alerts)
      .set({
        explanationTs: post.ts,
        entryId: post.entryId ?? null,
        confidence: post.confidence ?? null,
        fixOrder: JSON.stringify(post.fixOrder),
      })
      .where(eq(alerts.id, alertId))
      .run();
  }

  async markDelivery(
    id: number,
    update: { state: DeliveryState; attempts: number; nextAttemptAt: number; lastError?: string | undefined },
  ): Promise<void> {
    this.db
      .update(deliveries)
      .set({ ...update, lastError: update.lastError ?? null })
      .where(eq(deliveries.id, id))
      .run();
  }

  async listDeliveries(
    states: readonly DeliveryState[],
    limit: number,
  ): Promise<(Delivery & { alertTitle: string })[]> {
    const rows = this.db
      .select({ delivery: deliveries, alertTitle: alerts.title })
      .from(deliveries)
      .innerJoin(alerts, eq(alerts.id, deliveries.alertId))
      .where(inArray(deliveries.state, [...states]))
      .orderBy(asc(deliveries.id))
      .limit(limit)
      .all();
    return rows.map((row) => ({ ...toDelivery(row.delivery), alertTitle: row.alertTitle }));
  }

  async claimEvent(eventId: string, now: number): Promise<boolean> {
    const result = this.db.insert(slackEvents).values({ eventId, receivedAt: now }).onConflictDoNothing().run();
    return result.changes > 0;
  }

  async recordFix(record: FixRecord): Promise<void> {
    this.db
      .insert(fixOutcomes)
      .values({
        alertId: record.alertId,
        entryId: record.entryId,
        fixId: record.fixId ?? NO_FIX,
        service: record.service ?? null,
        userId: record.userId,
        teamId: record.teamId,
        createdAt: record.at,
      })
      .onConflictDoNothing()
      .run();
  }

  async removeFix(record: Pick<FixRecord, 'alertId' | 'fixId' | 'userId'>): Promise<void> {
    this.db
      .delete(fixOutcomes)
      .where(
        and(
          eq(fixOutcomes.alertId, record.alertId),
          eq(fixOutcomes.fixId, record.fixId ?? NO_FIX),
          eq(fixOutcomes.userId, record.userId),
        ),
      )
      .run();
  }

  async fixTallies(entryId: string, service?: string): Promise<{ marked: number; fixes: FixTally[] }> {
    const scope = service
      ? and(eq(fixOutcomes.entryId, entryId), eq(fixOutcomes.service, service))
      : eq(fixOutcomes.entryId, entryId);
    const marked = this.db
      .select({ n: countDistinct(fixOutcomes.alertId) })
      .from(fixOutcomes)
      .where(scope)
      .get();
    const rows = this.db
      .select({ fixId: fixOutcomes.fixId, resolved: countDistinct(fixOutcomes.alertId) })
      .from(fixOutcomes)
      .where(and(scope, sql`${fixOutcomes.fixId} <> ${NO_FIX}`))
      .groupBy(fixOutcomes.fixId)
      .all();
    return { marked: marked?.n ?? 0, fixes: rows };
  }

  async stats(): Promise<EntryStats[]> {
    const perEntry = this.db
      .select({ entryId: alerts.entryId, alerts: count() })
      .from(alerts)
      .where(isNotNull(alerts.entryId))
      .groupBy(alerts.entryId)
      .all();
    const marked = this.db
      .select({ entryId: fixOutcomes.entryId, n: countDistinct(fixOutcomes.alertId) })
      .from(fixOutcomes)
      .groupBy(fixOutcomes.entryId)
      .all();
    const tallies = this.db
      .select({ entryId: fixOutcomes.entryId, fixId: fixOutcomes.fixId, resolved: countDistinct(fixOutcomes.alertId) })
      .from(fixOutcomes)
      .where(sql`${fixOutcomes.fixId} <> ${NO_FIX}`)
      .groupBy(fixOutcomes.entryId, fixOutcomes.fixId)
      .all();
    const byEntry = new Map<string, EntryStats>();
    const statsFor = (entryId: string) => {
      let stats = byEntry.get(entryId);
      if (!stats) {
        stats = { entryId, alerts: 0, marked: 0, fixes: [] };
        byEntry.set(entryId, stats);
      }
      return stats;
    };
    for (const row of perEntry) statsFor(row.entryId as string).alerts = row.alerts;
    for (const row of marked) statsFor(row.entryId).marked = row.n;
    for (const row of tallies) statsFor(row.entryId).fixes.push({ fixId: row.fixId, resolved: row.resolved });
    for (const stats of byEntry.values())
      stats.fixes.sort((a, b) => b.resolved - a.resolved || a.fixId.localeCompare(b.fixId));
    return [...byEntry.values()].sort((a, b) => b.alerts - a.alerts || a.entryId.localeCompare(b.entryId));
  }

  async countRecentPosts(channel: string, entryKey: string, since: number): Promise<number> {
    const row = this.db
      .select({ n: count() })
      .from(alerts)
      .where(
        and(
          eq(alerts.channel, channel),
          entryKey ? eq(alerts.entryId, entryKey) : isNull(alerts.entryId),
          gte(alerts.parentPostingAt, since),
          isNull(alerts.digestId),
        ),
      )
      .get();
    return row?.n ?? 0;
  }

  async findOpenDigest(channel: string, entryKey: string, since: number): Promise<Digest | undefined> {
    const row = this.db
      .select()
      .from(digests)
      .where(and(eq(digests.channel, channel), eq(digests.entryKey, entryKey), gte(digests.lastJoinedAt, since)))
      .orderBy(desc(digests.id))
      .get();
    return row ? toDigest(row) : undefined;
  }

  async openDigest(digest: { channel: string; entryKey: string; alertId: number; now: number }): Promise<Digest> {
    return this.sqlite.transaction(() => {
      const row = this.db
        .insert(digests)
        .values({
          channel: digest.channel,
          entryKey: digest.entryKey,
          representativeAlertId: digest.alertId,
          openedAt: digest.now,
          lastJoinedAt: digest.now,
        })
        .returning()
        .get();
      this.db.update(alerts).set({ digestId: row.id }).where(eq(alerts.id, digest.alertId)).run();
      return toDigest(row);
    })();
  }

  async joinDigest(digestId: number, alertId: number, now: number): Promise<void> {
    this.sqlite.transaction(() => {
      this.db.update(alerts).set({ digestId }).where(eq(alerts.id, alertId)).run();
      this.db
        .update(digests)
        .set({ lastJoinedAt: sql`max(${digests.lastJoinedAt}, ${now})`, version: sql`${digests.version} + 1` })
        .where(eq(digests.id, digestId))
        .run();
    })();
  }

  async touchDigest(digestId: number): Promise<void> {
    this.db
      .update(digests)
      .set({ version: sql`${digests.version} + 1` })
      .where(eq(digests.id, digestId))
      .run();
  }

  async saveDigestParent(digestId: number, update: { ts?: string; postingAt?: number }): Promise<void> {
    this.db
      .update(digests)
      .set({
        ...(update.ts !== undefined ? { parentTs: update.ts } : {}),
        ...(update.postingAt !== undefined ? { parentPostingAt: update.postingAt } : {}),
      })
      .where(eq(digests.id, digestId))
      .run();
  }

  async staleDigests(limit: number): Promise<Digest[]> {
    return this.db
      .select()
      .from(digests)
      .where(and(isNotNull(digests.parentTs), sql`${digests.refreshedVersion} < ${digests.version}`))
      .orderBy(asc(digests.id))
      .limit(limit)
      .all()
      .map(toDigest);
  }

  async markDigestRefreshed(digestId: number, version: number): Promise<void> {
    this.db
      .update(digests)
      .set({ refreshedVersion: sql`max(${digests.refreshedVersion}, ${version})` })
      .where(eq(digests.id, digestId))
      .run();
  }

  async getDigest(id: number): Promise<Digest | undefined> {
    const row = this.db.select().from(digests).where(eq(digests.id, id)).get();
    return row ? toDigest(row) : undefined;
  }

  async digestMembers(digestId: number, limit: number): Promise<{ members: DigestMember[]; total: number }> {
    const members = this.db
      .select({ title: alerts.title, service: alerts.service, severity: alerts.severity, status: alerts.status })
      .from(alerts)
      .where(eq(alerts.digestId, digestId))
      .orderBy(asc(alerts.id))
      .limit(limit)
      .all()
      .map((m) => ({ ...m, service: orUndefined(m.service), severity: orUndefined(m.severity) }));
    const total = this.db.select({ n: count() }).from(alerts).where(eq(alerts.digestId, digestId)).get()?.n ?? 0;
    return { members, total };
  }

  async prune(before: number): Promise<number> {
    const result = this.db
      .update(alerts)
      .set({ labels: '{}', description: '' })
      .where(and(lte(alerts.firstSeenAt, before), sql`(${alerts.labels} <> '{}' OR ${alerts.description} <> '')`))
      .run();
    return result.changes;
  }
}

type AlertRow = typeof alerts.$inferSelect;
type DeliveryRow = typeof deliveries.$inferSelect;

const orUndefined = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

function toStoredAlert(row: AlertRow): StoredAlert {
  return {
    id: row.id,
    source: row.source,
    dedupKey: row.dedupKey,
    status: row.status,
    title: row.title,
    description: row.description,
    service: orUndefined(row.service),
    severity: orUndefined(row.severity),
    statusCode: orUndefined(row.statusCode),
    startsAt: orUndefined(row.startsAt),
    endsAt: orUndefined(row.endsAt),
    url: orUndefined(row.url),
    labels: JSON.parse(row.labels) as Record<string, string>,
    teamId: orUndefined(row.teamId),
    channel: orUndefined(row.channel),
    parentTs: orUndefined(row.parentTs),
    explanationTs: orUndefined(row.explanationTs),
    entryId: orUndefined(row.entryId),
    confidence: orUndefined(row.confidence),
    fixOrder: JSON.parse(row.fixOrder) as string[],
    firstSeenAt: row.firstSeenAt,
    lastSeenAt: row.lastSeenAt,
    resolvedAt: orUndefined(row.resolvedAt),
    repeatCount: row.repeatCount,
    parentPostingAt: orUndefined(row.parentPostingAt),
    explanationPostingAt: orUndefined(row.explanationPostingAt),
    digestId: orUndefined(row.digestId),
  };
}

function toDigest(row: typeof digests.$inferSelect): Digest {
  return { ...row, parentTs: orUndefined(row.parentTs), parentPostingAt: orUndefined(row.parentPostingAt) };
}

function toDelivery(row: DeliveryRow): Delivery {
  return { ...row, lastError: orUndefined(row.lastError), postingAt: orUndefined(row.postingAt) };
}
