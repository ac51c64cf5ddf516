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

    it(
      'records a correction from the entry the alert showed, points the alert and the team’s next alerts of its kinds at the chosen entry, and undoes it',
      withStore(async (store) => {
        await store.receiveAlerts([alert('c1')], 'C1', T0);
        await store.saveParent(1, { channel: 'C1', ts: '1.1', teamId: 'T1' });
        await store.saveExplanation(1, { ts: '1.2', entryId: 'http-500', confidence: 0.4, fixOrder: ['a'] });
        const keys = ['name:generic:checkout throttled', 'title:checkout throttled'];
        await store.recordCorrection({
          alertId: 1,
          teamId: 'T1',
          userId: 'U1',
          kind: 'correct',
          toEntry: 'http-429',
          fixOrder: ['backoff', 'quota'],
          kindKeys: keys,
          at: T0 + 1000,
        });
        expect(await store.getAlert(1)).toMatchObject({
          entryId: 'http-429',
          confidence: 1,
          fixOrder: ['backoff', 'quota'],
        });
        expect(await store.lastCorrection(1)).toEqual({
          alertId: 1,
          kind: 'correct',
          fromEntry: 'http-500',
          toEntry: 'http-429',
          userId: 'U1',
          at: T0 + 1000,
        });
        expect(await store.matchOverride('T1', ['title:checkout throttled'])).toBe('http-429');
        expect(await store.matchOverride('T2', keys)).toBeUndefined();
        expect(await store.correctionStats()).toEqual([{ fromEntry: 'http-500', toEntry: 'http-429', count: 1 }]);

        await store.recordCorrection({
          alertId: 1,
          teamId: 'T1',
          userId: 'U2',
          kind: 'undo',
          toEntry: 'http-500',
          fixOrder: ['a'],
          kindKeys: keys,
          at: T0 + 2000,
        });
        expect(await store.getAlert(1)).toMatchObject({ entryId: 'http-500', fixOrder: ['a'] });
        expect(await store.matchOverride('T1', keys)).toBeUndefined();
        expect(await store.correctionStats()).toEqual([]);
        expect(await store.lastCorrection(1)).toMatchObject({
          kind: 'undo',
          fromEntry: 'http-429',
          toEntry: 'http-500',
        });
        // Retention keeps an alert the team corrected (the corrections point at it).
        expect(await store.prune(T0 + 100 * 24 * 60 * 60 * 1000)).toBe(1);
        expect(await store.getAlert(1)).toMatchObject({ description: '' });
      }),
    );

    it(
      'prefers the first kind key that has an override',
      withStore(async (store) => {
        await store.receiveAlerts([alert('k1'), alert('k2')], 'C1', T0);
        for (const [alertId, key, entry] of [
          [1, 'title:x', 'http-500'],
          [2, 'name:generic:x', 'http-429'],
        ] as const)
          await store.recordCorrection({
            alertId,
            teamId: 'T1',
            userId: 'U1',
            kind: 'correct',
            toEntry: entry,
            fixOrder: [],
            kindKeys: [key],
            at: T0,
          });
        expect(await store.matchOverride('T1', ['name:generic:x', 'title:x'])).toBe('http-429');
        expect(await store.matchOverride('T1', ['title:x', 'name:generic:x'])).toBe('http-500');
      }),
    );

    it(
      'sums up one channel: its alerts, explanations, fixes and its outbox, failures with the last reason',
      withStore(async (store) => {
        await store.receiveAlerts([alert('s1'), alert('s2')], 'C0TEAMA0001', T0);
        await store.receiveAlerts([alert('s3')], 'C0TEAMB0001', T0);
        await store.saveParent(1, { channel: 'C0TEAMA0001', ts: '1.1', teamId: 'T1' });
        await store.saveExplanation(1, { ts: '1.2', entryId: 'http-429', confidence: 0.9, fixOrder: [] });
        await store.recordFix({
          alertId: 1,
          entryId: 'http-429',
          fixId: 'backoff',
          service: undefined,
          userId: 'U1',
          teamId: 'T1',
          at: T0,
        });
        const due = await store.dueDeliveries(T0, 10, 'C0TEAMB0001');
        await store.markDelivery(due[0]?.id as number, {
          state: 'failed',
          attempts: 1,
          nextAttemptAt: T0,
          lastError: 'channel_not_found',
        });
        expect(await store.channelSummary('C0TEAMA0001')).toEqual({
          alerts: 1,
          explained: 1,
          marked: 1,
          pending: 2,
          failed: 0,
          lastError: undefined,
        });
        expect(await store.channelSummary('C0TEAMB0001')).toMatchObject({
          alerts: 0,
          failed: 1,
          lastError: 'channel_not_found',
        });
      }),
    );

    it(
      'reads the App Home numbers in one go: counts, patterns with fixes and median time to resolve, gaps, failures, channels',
      withStore(async (store) => {
        const day = 24 * 60 * 60 * 1000;
        await store.receiveAlerts([alert('h1'), alert('h2'), alert('h3')], 'C1', T0 - 10 * day);
        await store.receiveAlerts([alert('h4', { title: 'Mystery' })], 'C2', T0);
        const explain = async (id: number, entryId: string | undefined, channel = 'C1') => {
          await store.saveParent(id, { channel, ts: `${id}.1`, teamId: 'T1' });
          await store.saveExplanation(id, { ts: `${id}.2`, entryId, confidence: 0.9, fixOrder: [] });
        };
        await explain(1, 'http-429');
        await explain(2, 'http-429');
        await explain(3, 'http-503');
        await explain(4, undefined, 'C2');
        // Resolved after 10 and 30 minutes: a median of 20.
        await store.receiveAlerts([alert('h1', { status: 'resolved' })], 'C1', T0 - 10 * day + 10 * 60_000);
        await store.receiveAlerts([alert('h2', { status: 'resolved' })], 'C1', T0 - 10 * day + 30 * 60_000);
        await store.recordFix({
          alertId: 1,
          entryId: 'http-429',
          fixId: 'backoff',
          service: undefined,
          userId: 'U1',
          teamId: 'T1',
          at: T0,
        });
        await store.recordFix({
          alertId: 2,
          entryId: 'http-429',
          fixId: 'backoff',
          service: undefined,
          userId: 'U1',
          teamId: 'T1',
          at: T0,
        });
        const [due] = await store.dueDeliveries(T0, 1);
        await store.markDelivery(due?.id as number, {
          state: 'failed',
          attempts: 1,
          nextAttemptAt: T0,
          lastError: 'not_in_channel',
        });

        const home = await store.homeStats(T0 - 7 * day, 10);
        expect(home.alerts).toEqual({ total: 4, since: 1 });
        expect(home.explanations).toEqual({ total: 4, since: 1 });
        expect(home.unmatched).toBe(1);
        expect(home.patterns[0]).toEqual({
          entryId: 'http-429',
          alerts: 2,
          marked: 2,
          fixes: [{ fixId: 'backoff', resolved: 2 }],
          medianResolveMs: 20 * 60_000,
        });
        expect(home.patterns[1]).toMatchObject({ entryId: 'http-503', alerts: 1, medianResolveMs: undefined });
        expect(home.gaps).toEqual([{ title: 'Mystery', count: 1 }]);
        expect(home.failedDeliveries.total).toBe(1);
        expect(home.failedDeliveries.recent[0]).toMatchObject({ lastError: 'not_in_channel', channel: 'C1' });
        expect(home.channels).toEqual([
          { channel: 'C1', alerts: 3 },
          { channel: 'C2', alerts: 1 },
        ]);
      }),
    );
  });
}
