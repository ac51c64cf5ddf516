/**
 * The outbox's backlog for the metrics gauges, read at scrape time: how many deliveries are pending and
 * how old the oldest is. One aggregate over the `deliveries_due` index (state, next_attempt_at).
 *
 * Kept apart from `sqlite-store.ts` on purpose: it is a read for operators, not part of a unit of work,
 * and belongs in the AlertStore port once the store's shape settles (the D1 version is the same query).
 * @module
 * @example
 * const { pending, oldestAgeSeconds } = outboxBacklog(db, Date.now());
 */
import { count, eq, min } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { OutboxBacklog } from '../core/metrics.js';
import { deliveries } from './schema.js';

export function outboxBacklog(db: BetterSQLite3Database<Record<string, unknown>>, now: number): OutboxBacklog {
  const row = db
    .select({ pending: count(), oldest: min(deliveries.createdAt) })
    .from(deliveries)
    .where(eq(deliveries.state, 'pending'))
    .get();
  const pending = row?.pending ?? 0;
  const oldest = row?.oldest ?? null;
  return { pending, oldestAgeSeconds: pending > 0 && oldest !== null ? Math.max(0, (now - oldest) / 1000) : 0 };
}
