import { describe, expect, it } from 'vitest';
import { alert } from './alert-store.contract.js';
import { outboxBacklog } from './outbox-backlog.js';
import { openSqliteStore } from './sqlite-store.js';

describe('outboxBacklog', () => {
  it('says an empty outbox has nothing pending and no age', async () => {
    const { store, close } = openSqliteStore(':memory:');
    try {
      expect(await outboxBacklog(store, 5_000)).toEqual({ pending: 0, oldestAgeSeconds: 0 });
    } finally {
      close();
    }
  });

  it('counts pending deliveries and ages the oldest, leaving out sent and failed ones', async () => {
    const { store, close } = openSqliteStore(':memory:');
    try {
      await store.receiveAlerts([alert('a')], 'C1', 10_000);
      await store.receiveAlerts([alert('b'), alert('c')], 'C1', 40_000);
      await store.receiveAlerts([alert('d')], 'C1', 50_000);
      const [oldest] = await store.dueDeliveries(60_000, 1);
      expect(await outboxBacklog(store, 70_000)).toEqual({ pending: 4, oldestAgeSeconds: 60 });

      await store.markDelivery(oldest?.id as number, { state: 'sent', attempts: 1, nextAttemptAt: 60_000 });
      expect(await outboxBacklog(store, 70_000)).toEqual({ pending: 3, oldestAgeSeconds: 30 });
      for (const delivery of await store.dueDeliveries(70_000, 10)) {
        await store.markDelivery(delivery.id, { state: 'failed', attempts: 1, nextAttemptAt: 70_000 });
      }
      expect(await outboxBacklog(store, 70_000)).toEqual({ pending: 0, oldestAgeSeconds: 0 });
    } finally {
      close();
    }
  });
});
