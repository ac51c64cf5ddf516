/**
 * The outbox's backlog for the metrics gauges, read at scrape time from the store (either driver): how many
 * deliveries are pending and how old the oldest is.
 * @module
 * @example
 * const { pending, oldestAgeSeconds } = await outboxBacklog(store, Date.now());
 */
import type { OutboxBacklog } from '../core/metrics.js';
import type { AlertStore } from '../core/ports.js';

export async function outboxBacklog(store: Pick<AlertStore, 'outboxBacklog'>, now: number): Promise<OutboxBacklog> {
  const { pending, oldestCreatedAt } = await store.outboxBacklog();
  return {
    pending,
    oldestAgeSeconds: pending > 0 && oldestCreatedAt !== undefined ? Math.max(0, (now - oldestCreatedAt) / 1000) : 0,
  };
}
