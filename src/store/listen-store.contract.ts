/**
 * The AlertStore contract for listening to other tools' messages (and for channel routing), run on SQLite
 * (`sqlite-store.test.ts`) and on D1 inside workerd (`test/workers/d1-store.test.ts`). Kept apart from
 * `alert-store.contract.ts` so that the two suites grow without touching each other.
 */
import { describe, expect, it } from 'vitest';
import type { AlertStore, ListenedMessage } from '../core/ports.js';
import { alert, type StoreUnderTest } from './alert-store.contract.js';

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);
const WINDOW = 2 * 60_000;

const message = (ts: string, overrides: Partial<ListenedMessage> = {}): ListenedMessage => ({
  dedupKey: 'listen:T1:C1:B1:higherrorrate (checkout-api critical)',
  source: 'slack:Alertmanager',
  status: 'firing',
  title: 'HighErrorRate (checkout-api critical)',
  description: 'POST /v1/charges answered 503 Service Unavailable',
  teamId: 'T1',
  channel: 'C1',
  ts,
  now: T0,
  ...overrides,
});

export function describeListenStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`${name} (AlertStore contract: listened messages and routing)`, () => {
    const withStore = (test: (store: AlertStore) => Promise<void>) => async () => {
      const handle = await open();
      try {
        await test(handle.store);
      } finally {
        await handle.close();
      }
    };

    it(
      'stores a listened message as an alert whose parent is that message, owing one explanation',
      withStore(async (store) => {
        expect(await store.receiveListened(message('100.000100'), WINDOW)).toBe('new');
        const due = await store.dueDeliveries(T0, 10);
        expect(due).toEqual([expect.objectContaining({ kind: 'post', channel: 'C1' })]);
        expect(await store.getAlert(due[0]?.alertId as number)).toMatchObject({
          channel: 'C1',
          parentTs: '100.000100',
          teamId: 'T1',
          source: 'slack:Alertmanager',
          explanationTs: undefined,
        });
      }),
    );

    it(
      'owes nothing for the same message again (a Slack retry), however often it comes',
      withStore(async (store) => {
        await store.receiveListened(message('100.000100'), WINDOW);
        expect(await store.receiveListened(message('100.000100', { now: T0 + 1000 }), WINDOW)).toBe('duplicate');
        expect(await store.receiveListened(message('100.000100', { now: T0 + 2000 }), WINDOW)).toBe('duplicate');
        expect(await store.dueDeliveries(T0 + 5000, 10)).toHaveLength(1);
      }),
    );

    it(
      'owes one "seen again" note for re-posts within the window, and none after it',
      withStore(async (store) => {
        await store.receiveListened(message('100.000100'), WINDOW);
        expect(await store.receiveListened(message('101.000100', { now: T0 + 10_000 }), WINDOW)).toBe('repeat');
        expect(await store.receiveListened(message('102.000100', { now: T0 + 20_000 }), WINDOW)).toBe('duplicate');
        expect(await store.receiveListened(message('101.000100', { now: T0 + 30_000 }), WINDOW)).toBe('duplicate');
        expect((await store.dueDeliveries(T0 + 60_000, 10)).map((d) => d.kind)).toEqual(['post', 'repeat']);

        await store.receiveListened(message('200.000100', { dedupKey: 'listen:other', now: T0 }), WINDOW);
        expect(
          await store.receiveListened(
            message('201.000100', { dedupKey: 'listen:other', now: T0 + WINDOW + 1 }),
            WINDOW,
          ),
        ).toBe('duplicate');
      }),
    );

    it(
      'owes one resolve note when the tool posts the resolved message, and ignores a resolved message with no firing one',
      withStore(async (store) => {
        await store.receiveListened(message('100.000100'), WINDOW);
        const resolved = message('150.000100', { status: 'resolved', now: T0 + 600_000 });
        expect(await store.receiveListened(resolved, WINDOW)).toBe('resolved');
        expect(await store.receiveListened({ ...resolved, now: T0 + 601_000 }, WINDOW)).toBe('duplicate');
        const due = await store.dueDeliveries(T0 + 700_000, 10);
        expect(due.map((d) => d.kind)).toEqual(['post', 'resolve']);
        expect(await store.getAlert(due[0]?.alertId as number)).toMatchObject({
          status: 'resolved',
          firstSeenAt: T0,
          resolvedAt: T0 + 600_000,
          parentTs: '100.000100',
        });

        expect(
          await store.receiveListened(
            message('300.000100', { dedupKey: 'listen:never-fired', status: 'resolved' }),
            WINDOW,
          ),
        ).toBe('duplicate');
        expect(await store.dueDeliveries(T0 + 700_000, 10)).toHaveLength(2);
      }),
    );

    it(
      'owes a reopen note when the alert fires again after its resolved message',
      withStore(async (store) => {
        await store.receiveListened(message('100.000100'), WINDOW);
        await store.receiveListened(message('150.000100', { status: 'resolved', now: T0 + 1000 }), WINDOW);
        expect(await store.receiveListened(message('160.000100', { now: T0 + 2000 }), WINDOW)).toBe('reopened');
        expect((await store.dueDeliveries(T0 + 5000, 10)).map((d) => d.kind)).toEqual(['post', 'resolve', 'reopen']);
      }),
    );

    it(
      'queues a webhook alert for the channel its sender named, each channel with its own outbox',
      withStore(async (store) => {
        await store.receiveAlerts([alert('a')], 'C0TEAMA0001', T0);
        await store.receiveAlerts([alert('b')], 'C0TEAMB0001', T0);
        expect(await store.dueChannels(T0, 10)).toEqual(['C0TEAMA0001', 'C0TEAMB0001']);
        expect((await store.dueDeliveries(T0, 10, 'C0TEAMB0001')).map((d) => d.channel)).toEqual(['C0TEAMB0001']);
      }),
    );
  });
}
