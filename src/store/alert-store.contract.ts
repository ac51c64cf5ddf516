/**
 * The AlertStore contract: one suite, run against every store implementation (SQLite now, D1 next),
 * so that the drivers cannot drift apart. Shaped like Hono's shared router cases.
 */
import { describe, expect, it } from 'vitest';
import type { Alert } from '../core/alerts/alert.js';
import type { AlertStore } from '../core/ports.js';

export interface StoreUnderTest {
  store: AlertStore;
  close(): void | Promise<void>;
}

const HOUR = 60 * 60 * 1000;
const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

export function alert(key: string, overrides: Partial<Alert> = {}): Alert {
  return {
    source: 'generic',
    dedupKey: `generic:${key}`,
    status: 'firing',
    title: `Alert ${key}`,
    description: 'POST /v1/charges returned 429',
    service: 'checkout',
    severity: 'warning',
    statusCode: 429,
    labels: { team: 'payments' },
    ...overrides,
  };
}

export function describeAlertStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`${name} (AlertStore contract)`, () => {
    const withStore = (test: (store: AlertStore) => Promise<void>) => async () => {
      const handle = await open();
      try {
        await test(handle.store);
      } finally {
        await handle.close();
      }
    };

    it(
      'stores a new alert and owes Slack one post for it',
      withStore(async (store) => {
        expect(await store.receiveAlerts([alert('a')], 'C1', T0, 'req-1')).toEqual(['new']);
        const due = await store.dueDeliveries(T0, 10);
        expect(due[0]?.requestId).toBe('req-1');
        expect(due).toHaveLength(1);
        expect(due[0]).toMatchObject({ kind: 'post', channel: 'C1', state: 'pending', attempts: 0 });
        const stored = await store.getAlert(due[0]?.alertId as number);
        expect(stored).toMatchObject({
          dedupKey: 'generic:a',
          title: 'Alert a',
          service: 'checkout',
          statusCode: 429,
          status: 'firing',
        });
        expect(stored?.labels).toEqual({ team: 'payments' });
      }),
    );

    it(
      'calls a redelivery a duplicate and owes nothing more',
      withStore(async (store) => {
        await store.receiveAlerts([alert('a')], 'C1', T0);
        expect(await store.receiveAlerts([alert('a'), alert('a')], 'C1', T0 + 1000)).toEqual([
          'duplicate',
          'duplicate',
        ]);
        expect(await store.dueDeliveries(T0 + 1000, 10)).toHaveLength(1);
      }),
    );

    it(
      'turns a resolved event into one resolve step, and a repeated resolved into nothing',
      withStore(async (store) => {
        await store.receiveAlerts([alert('a')], 'C1', T0);
        expect(await store.receiveAlerts([alert('a', { status: 'resolved' })], 'C1', T0 + HOUR)).toEqual(['resolved']);
        expect(await store.receiveAlerts([alert('a', { status: 'resolved' })], 'C1', T0 + HOUR + 1)).toEqual([
          'duplicate',
        ]);
        const kinds = (await store.dueDeliveries(T0 + 2 * HOUR, 10)).map((d) => d.kind);
        expect(kinds).toEqual(['post', 'resolve']);
        const stored = await store.getAlert(1);
        expect(stored?.status).toBe('resolved');
        expect(stored?.resolvedAt).toBe(T0 + HOUR);
      }),
    );

    it(
      'notes a repeat only after a long silence, and only once',
      withStore(async (store) => {
        await store.receiveAlerts([alert('a')], 'C1', T0);
        expect(await store.receiveAlerts([alert('a')], 'C1', T0 + 60_000)).toEqual(['duplicate']);
        expect(await store.receiveAlerts([alert('a')], 'C1', T0 + 4 * HOUR)).toEqual(['repeat']);
        expect(await store.receiveAlerts([alert('a')], 'C1', T0 + 8 * HOUR)).toEqual(['repeat']);
        const kinds = (await store.dueDeliveries(T0 + 9 * HOUR, 10)).map((d) => d.kind);
        expect(kinds).toEqual(['post', 'repeat']);
      }),
    );

    it(
      'reopens a resolved alert that fires again under the same key',
      withStore(async (store) => {
        await store.receiveAlerts([alert('a')], 'C1', T0);
        await store.receiveAlerts([alert('a', { status: 'resolved' })], 'C1', T0 + 1);
        expect(await store.receiveAlerts([alert('a')], 'C1', T0 + 2)).toEqual(['reopened']);
        expect((await store.getAlert(1))?.resolvedAt).toBeUndefined();
      }),
    );

    it(
      'posts an alert first seen already resolved once, as resolved',
      withStore(async (store) => {
        expect(await store.receiveAlerts([alert('late', { status: 'resolved' })], 'C1', T0)).toEqual(['new']);
        expect((await store.dueDeliveries(T0, 10)).map((d) => d.kind)).toEqual(['post']);
        expect((await store.getAlert(1))?.status).toBe('resolved');
      }),
    );

    it(
      'finds an alert by its parent or explanation message, only in its channel',
      withStore(async (store) => {
        await store.receiveAlerts([alert('a')], 'C1', T0);
        await store.saveParent(1, { channel: 'C1', ts: '100.1', teamId: 'T1' });
        await store.saveExplanation(1, {
          ts: '100.2',
          entryId: 'http-429',
          confidence: 0.9,
          fixOrder: ['backoff', 'split-keys'],
        });
        expect((await store.findAlertByMessage('C1', '100.1'))?.id).toBe(1);
        const found = await store.findAlertByMessage('C1', '100.2');
        expect(found).toMatchObject({
          id: 1,
          teamId: 'T1',
          entryId: 'http-429',
          fixOrder: ['backoff', 'split-keys'],
          explanationTs: '100.2',
        });
        expect(await store.findAlertByMessage('C2', '100.2')).toBeUndefined();
      }),
    );

    it(
      'claims a Slack event id once',
      withStore(async (store) => {
        expect(await store.claimEvent('Ev1', T0)).toBe(true);
        expect(await store.claimEvent('Ev1', T0 + 5)).toBe(false);
        expect(await store.claimEvent('Ev2', T0 + 5)).toBe(true);
      }),
    );

    it(
      'tallies fixes per pattern and per service, counting each alert once',
      withStore(async (store) => {
        await store.receiveAlerts([alert('a'), alert('b', { service: 'billing' }), alert('c')], 'C1', T0);
        const fix = (alertId: number, fixId: string | undefined, userId: string, service = 'checkout') =>
          store.recordFix({ alertId, entryId: 'http-429', fixId, service, userId, teamId: 'T1', at: T0 });
        await fix(1, 'backoff', 'U1');
        await fix(1, 'backoff', 'U2'); // a second person marking the same fix: still one alert
        await fix(1, 'backoff', 'U1'); // the same reaction again: no new row
        await fix(2, 'split-keys', 'U1', 'billing');
        await fix(3, undefined, 'U1'); // resolved with no listed fix

        const overall = await store.fixTallies('http-429');
        expect(overall.marked).toBe(3);
        expect(overall.fixes.sort((x, y) => x.fixId.localeCompare(y.fixId))).toEqual([
          { fixId: 'backoff', resolved: 1 },
          { fixId: 'split-keys', resolved: 1 },
        ]);
        expect(await store.fixTallies('http-429', 'billing')).toEqual({
          marked: 1,
          fixes: [{ fixId: 'split-keys', resolved: 1 }],
        });

        await store.removeFix({ alertId: 1, fixId: 'backoff', userId: 'U1' });
        await store.removeFix({ alertId: 1, fixId: 'backoff', userId: 'U2' });
        expect((await store.fixTallies('http-429')).fixes.find((f) => f.fixId === 'backoff')).toBeUndefined();
      }),
    );

    it(
      'reports alerts and fixes per pattern in stats',
      withStore(async (store) => {
        await store.receiveAlerts([alert('a'), alert('b'), alert('c')], 'C1', T0);
        await store.saveExplanation(1, { ts: '1.1', entryId: 'http-429', confidence: 1, fixOrder: [] });
        await store.saveExplanation(2, { ts: '1.2', entryId: 'http-429', confidence: 1, fixOrder: [] });
        await store.saveExplanation(3, { ts: '1.3', entryId: 'http-502', confidence: 1, fixOrder: [] });
        await store.recordFix({
          alertId: 1,
          entryId: 'http-429',
          fixId: 'backoff',
          service: 'checkout',
          userId: 'U1',
          teamId: 'T1',
          at: T0,
        });
        const stats = await store.stats();
        expect(stats[0]).toEqual({
          entryId: 'http-429',
          alerts: 2,
          marked: 1,
          fixes: [{ fixId: 'backoff', resolved: 1 }],
        });
        expect(stats[1]).toEqual({ entryId: 'http-502', alerts: 1, marked: 0, fixes: [] });
      }),
    );

    it(
      'holds back a delivery until its retry time and lists failures with their reason',
      withStore(async (store) => {
        await store.receiveAlerts([alert('a'), alert('b')], 'C1', T0);
        const [first, second] = await store.dueDeliveries(T0, 10);
        await store.markDelivery(first?.id as number, {
          state: 'pending',
          attempts: 1,
          nextAttemptAt: T0 + 5000,
          lastError: 'rate limited',
        });
        await store.markDelivery(second?.id as number, {
          state: 'failed',
          attempts: 1,
          nextAttemptAt: T0,
          lastError: 'channel_not_found',
        });
        expect(await store.dueDeliveries(T0 + 4999, 10)).toHaveLength(0);
        expect(await store.dueDeliveries(T0 + 5000, 10)).toHaveLength(1);
        const failed = await store.listDeliveries(['failed'], 10);
        expect(failed).toEqual([
          expect.objectContaining({ alertTitle: 'Alert b', lastError: 'channel_not_found', state: 'failed' }),
        ]);
      }),
    );

    it(
      'prunes old payloads but keeps the alerts and their fix outcomes',
      withStore(async (store) => {
        await store.receiveAlerts([alert('old')], 'C1', T0);
        await store.receiveAlerts([alert('new')], 'C1', T0 + 100 * 24 * HOUR);
        await store.recordFix({
          alertId: 1,
          entryId: 'http-429',
          fixId: 'backoff',
          service: 'checkout',
          userId: 'U1',
          teamId: 'T1',
          at: T0,
        });
        expect(await store.prune(T0 + 10 * 24 * HOUR)).toBe(1);
        expect(await store.getAlert(1)).toMatchObject({ labels: {}, description: '', title: 'Alert old' });
        expect((await store.getAlert(2))?.labels).toEqual({ team: 'payments' });
        expect((await store.fixTallies('http-429')).fixes).toEqual([{ fixId: 'backoff', resolved: 1 }]);
      }),
    );

    it(
      'owes every status change its own step: firing, resolved, firing, resolved gives four, in order',
      withStore(async (store) => {
        await store.receiveAlerts([alert('a')], 'C1', T0);
        await store.receiveAlerts([alert('a', { status: 'resolved' })], 'C1', T0 + 1);
        await store.receiveAlerts([alert('a')], 'C1', T0 + 2);
        await store.receiveAlerts([alert('a', { status: 'resolved' })], 'C1', T0 + 3);
        await store.receiveAlerts([alert('a', { status: 'resolved' })], 'C1', T0 + 4); // a redelivery: nothing
        const kinds = (await store.dueDeliveries(T0 + 10, 10)).map((d) => d.kind);
        expect(kinds).toEqual(['post', 'resolve', 'reopen', 'resolve']);
        expect((await store.getAlert(1))?.status).toBe('resolved');
      }),
    );

    it(
      'gives a channel to one drainer at a time, and to another once the lease runs out',
      withStore(async (store) => {
        expect(await store.claimChannel('C1', 'a', T0, 60_000)).toEqual({ nextPostAt: 0 });
        expect(await store.claimChannel('C1', 'b', T0 + 1000, 60_000)).toBeUndefined();
        expect(await store.claimChannel('C2', 'b', T0 + 1000, 60_000)).toEqual({ nextPostAt: 0 });
        // The holder may renew its own lease.
        expect(await store.claimChannel('C1', 'a', T0 + 2000, 60_000)).toBeDefined();
        expect(await store.channelLeases(T0 + 3000)).toEqual([
          { channel: 'C1', owner: 'a', until: T0 + 62_000 },
          { channel: 'C2', owner: 'b', until: T0 + 61_000 },
        ]);
        // A drainer that died: its lease expires and another takes over.
        expect(await store.claimChannel('C1', 'b', T0 + 62_001, 60_000)).toBeDefined();
        await store.releaseChannel('C1', 'b', T0 + 70_000);
        // Released with its pace: the next drainer learns when it may post.
        expect(await store.claimChannel('C1', 'a', T0 + 63_000, 60_000)).toEqual({ nextPostAt: T0 + 70_000 });
      }),
    );

    it(
      'keeps the pace of a channel across drainers, never shortening a longer hold',
      withStore(async (store) => {
        await store.receiveAlerts([alert('a')], 'C1', T0);
        const [due] = await store.dueDeliveries(T0, 10, 'C1');
        await store.markDelivery(
          due?.id as number,
          { state: 'pending', attempts: 1, nextAttemptAt: T0 + 30_000, lastError: 'rate limited' },
          { channel: 'C1', nextPostAt: T0 + 30_000 },
        );
        await store.pace('C1', T0 + 1000);
        expect(await store.claimChannel('C1', 'x', T0 + 1, 60_000)).toEqual({ nextPostAt: T0 + 30_000 });
        expect(await store.nextDueAt('C1')).toBe(T0 + 30_000);
      }),
    );

    it(
      'lists channels with due work that no drainer holds',
      withStore(async (store) => {
        await store.receiveAlerts([alert('a')], 'C1', T0);
        await store.receiveAlerts([alert('b')], 'C2', T0);
        await store.receiveAlerts([alert('c')], 'C3', T0 + 5000);
        expect(await store.dueChannels(T0, 10)).toEqual(['C1', 'C2']);
        await store.claimChannel('C1', 'a', T0, 60_000);
        expect(await store.dueChannels(T0, 10)).toEqual(['C2']);
        expect((await store.dueDeliveries(T0 + 5000, 10, 'C3')).map((d) => d.channel)).toEqual(['C3']);
      }),
    );

    it(
      'opens a storm digest after the threshold, lists the next alerts in it, and counts every member',
      withStore(async (store) => {
        const keys = ['a', 'b', 'c', 'd', 'e'];
        await store.receiveAlerts(
          keys.map((k) => alert(k)),
          'C1',
          T0,
        );
        const storm = { channel: 'C1', entryKey: 'http-429', windowMs: 120_000, threshold: 2 };
        // Two posted alone (their explanations name the pattern)...
        for (const id of [1, 2]) {
          expect(await store.placeInStorm({ ...storm, alertId: id, now: T0 })).toEqual({ kind: 'alone' });
          await store.markPosting({ alertId: id, role: 'parent' }, T0);
          await store.saveParent(id, { channel: 'C1', ts: `1.${id}`, teamId: 'T1' });
          await store.saveExplanation(id, { ts: `2.${id}`, entryId: 'http-429', confidence: 1, fixOrder: [] });
        }
        // ...then the third opens a digest, and the rest join it.
        const opened = await store.placeInStorm({ ...storm, alertId: 3, now: T0 + 1 });
        expect(opened).toMatchObject({ kind: 'opened', digest: { representativeAlertId: 3, channel: 'C1' } });
        expect(await store.placeInStorm({ ...storm, alertId: 4, now: T0 + 2 })).toEqual({ kind: 'joined' });
        expect(await store.placeInStorm({ ...storm, alertId: 5, now: T0 + 3 })).toEqual({ kind: 'joined' });
        await store.receiveAlerts([alert('e', { status: 'resolved' })], 'C1', T0 + 4);
        const digestId = opened.kind === 'opened' ? opened.digest.id : 0;
        expect(await store.digestMembers(digestId, 2)).toMatchObject({ total: 3, firing: 2 });
        expect((await store.digestMembers(digestId, 2)).members).toHaveLength(2);
        // Another pattern in the same channel is not part of it.
        await store.receiveAlerts([alert('f')], 'C1', T0 + 5);
        expect(await store.placeInStorm({ ...storm, entryKey: 'http-502', alertId: 6, now: T0 + 5 })).toEqual({
          kind: 'alone',
        });
      }),
    );

    it(
      'saves a digest message as its representative alert parent in one step',
      withStore(async (store) => {
        await store.receiveAlerts([alert('a'), alert('b')], 'C1', T0);
        await store.markPosting({ alertId: 1, role: 'parent' }, T0);
        await store.saveParent(1, { channel: 'C1', ts: '1.1', teamId: 'T1' });
        await store.saveExplanation(1, { ts: '1.2', entryId: 'http-429', confidence: 1, fixOrder: [] });
        const placed = await store.placeInStorm({
          alertId: 2,
          channel: 'C1',
          entryKey: 'http-429',
          now: T0,
          windowMs: 60_000,
          threshold: 1,
        });
        if (placed.kind !== 'opened') throw new Error(`expected a digest, got ${placed.kind}`);
        await store.touchDigest(placed.digest.id);
        await store.saveDigestParent({
          digestId: placed.digest.id,
          ts: '9.9',
          version: placed.digest.version,
          representativeAlertId: 2,
          channel: 'C1',
          teamId: 'T1',
        });
        expect((await store.findAlertByMessage('C1', '9.9'))?.id).toBe(2);
        // Touched after the post: still owes an edit.
        expect((await store.staleDigests(10, 'C1')).map((d) => d.id)).toEqual([placed.digest.id]);
        expect(await store.dueChannels(T0, 10)).toContain('C1');
      }),
    );

    it(
      'deletes alerts past retention with their deliveries, keeping those that fixes point at',
      withStore(async (store) => {
        await store.receiveAlerts([alert('old'), alert('fixed')], 'C1', T0);
        await store.receiveAlerts([alert('recent')], 'C1', T0 + 100 * 24 * HOUR);
        await store.recordFix({
          alertId: 2,
          entryId: 'http-429',
          fixId: 'backoff',
          service: 'checkout',
          userId: 'U1',
          teamId: 'T1',
          at: T0,
        });
        await store.claimEvent('Ev-old', T0);
        expect(await store.prune(T0 + 10 * 24 * HOUR)).toBe(2);
        expect(await store.getAlert(1)).toBeUndefined();
        expect(await store.getAlert(2)).toMatchObject({ title: 'Alert fixed', labels: {}, description: '' });
        expect(await store.getAlert(3)).toBeDefined();
        expect((await store.dueDeliveries(T0 + 100 * 24 * HOUR, 10)).map((d) => d.alertId)).toEqual([2, 3]);
        expect(await store.claimEvent('Ev-old', T0 + 10 * 24 * HOUR + 1)).toBe(true);
        expect((await store.fixTallies('http-429')).fixes).toEqual([{ fixId: 'backoff', resolved: 1 }]);
      }),
    );

    it(
      'counts requests per key in a fixed window shared by every caller',
      withStore(async (store) => {
        expect(await store.countRequest('k', 0)).toBe(1);
        expect(await store.countRequest('k', 0)).toBe(2);
        expect(await store.countRequest('other', 0)).toBe(1);
        expect(await store.countRequest('k', 60_000)).toBe(1);
      }),
    );

    it(
      'acknowledges an alert, lets another person take it over, and undoes it',
      withStore(async (store) => {
        await store.receiveAlerts([alert('a')], 'C1', T0);
        await store.saveExplanation(1, { ts: '1.2', entryId: 'http-429', confidence: 1, fixOrder: [] });
        expect(await store.acknowledge(1, 'U1', T0 + 60_000)).toEqual({ kind: 'ack' });
        expect(await store.acknowledge(1, 'U1', T0 + 61_000)).toEqual({ kind: 'unchanged' });
        expect(await store.acknowledge(1, 'U2', T0 + 120_000)).toEqual({ kind: 'takeover', from: 'U1' });
        expect(await store.getAlert(1)).toMatchObject({ ackedBy: 'U2', ackedAt: T0 + 120_000 });
        expect(await store.unacknowledge(1, 'U2', T0 + 130_000)).toBe(true);
        expect(await store.unacknowledge(1, 'U2', T0 + 131_000)).toBe(false);
        expect((await store.getAlert(1))?.ackedBy).toBeUndefined();
        // Time to acknowledge is the first acknowledgement's.
        expect(await store.ackMedians()).toEqual(new Map([['http-429', 60]]));
        expect((await store.recentActions(10)).map((a) => [a.kind, a.userId])).toEqual([
          ['unack', 'U2'],
          ['takeover', 'U2'],
          ['ack', 'U1'],
        ]);
      }),
    );

    it(
      'acknowledges every alert of a storm digest through its representative',
      withStore(async (store) => {
        await store.receiveAlerts([alert('a'), alert('b'), alert('c')], 'C1', T0);
        const storm = { channel: 'C1', entryKey: '', windowMs: 60_000, threshold: 0, now: T0 };
        const opened = await store.placeInStorm({ ...storm, alertId: 1 });
        expect(opened.kind).toBe('opened');
        await store.placeInStorm({ ...storm, alertId: 2 });
        await store.acknowledge(1, 'U1', T0 + 1);
        expect((await store.getAlert(2))?.ackedBy).toBe('U1');
        expect((await store.getAlert(3))?.ackedBy).toBeUndefined();
        // A member is not a representative: acknowledging it touches only itself.
        await store.unacknowledge(2, 'U1', T0 + 2);
        expect((await store.getAlert(1))?.ackedBy).toBe('U1');
      }),
    );

    it(
      'reserves one silence per alert however often the button is pressed, and records it',
      withStore(async (store) => {
        await store.receiveAlerts([alert('a')], 'C1', T0);
        expect(await store.claimSilence(1, 'first', T0, T0 - 30_000)).toBe(true);
        expect(await store.claimSilence(1, 'second', T0 + 10, T0 - 30_000)).toBe(false);
        // Alertmanager refused: the reservation is given back and the next press may try again.
        await store.releaseSilence(1, 'first');
        expect(await store.claimSilence(1, 'third', T0 + 20, T0 - 30_000)).toBe(true);
        await store.saveSilence(1, { token: 'third', silenceId: 'sil-1', until: T0 + 3_600_000, userId: 'U1', at: T0 });
        expect(await store.getAlert(1)).toMatchObject({ silenceId: 'sil-1', silencedUntil: T0 + 3_600_000 });
        expect(await store.claimSilence(1, 'fourth', T0 + 30, T0)).toBe(false);
        expect(await store.clearSilence(1, 'sil-2', 'U2', T0 + 40)).toBe(false);
        expect(await store.clearSilence(1, 'sil-1', 'U2', T0 + 40)).toBe(true);
        expect((await store.recentActions(5)).map((a) => [a.kind, a.silenceId])).toEqual([
          ['expire', 'sil-1'],
          ['silence', 'sil-1'],
        ]);
        // A reservation left by a crash is taken over once it is stale.
        expect(await store.claimSilence(1, 'crashed', T0 + 50, T0)).toBe(true);
        expect(await store.claimSilence(1, 'later', T0 + 100_000, T0 + 60_000)).toBe(true);
      }),
    );

    it(
      'adds metric counters up across callers, one series per name and labels',
      withStore(async (store) => {
        await store.addCounters([
          { name: 'apierr_webhook_requests_total', labels: { source: 'grafana', outcome: 'accepted' }, value: 1 },
          { name: 'apierr_slack_call_duration_seconds_sum', labels: {}, value: 0.25 },
        ]);
        await store.addCounters([
          { name: 'apierr_webhook_requests_total', labels: { outcome: 'accepted', source: 'grafana' }, value: 2 },
          { name: 'apierr_slack_call_duration_seconds_sum', labels: {}, value: 0.5 },
        ]);
        expect(await store.counters()).toEqual([
          { name: 'apierr_slack_call_duration_seconds_sum', labels: {}, value: 0.75 },
          { name: 'apierr_webhook_requests_total', labels: { outcome: 'accepted', source: 'grafana' }, value: 3 },
        ]);
      }),
    );

    it(
      'lets a silence that ran out be replaced by a new one',
      withStore(async (store) => {
        await store.receiveAlerts([alert('a')], 'C1', T0);
        await store.claimSilence(1, 'one', T0, T0 - 60_000);
        await store.saveSilence(1, { token: 'one', silenceId: 'sil-1', until: T0 + HOUR, userId: 'U1', at: T0 });
        expect(await store.claimSilence(1, 'early', T0 + HOUR - 1, T0)).toBe(false);
        expect(await store.claimSilence(1, 'later', T0 + HOUR, T0)).toBe(true);
        expect((await store.getAlert(1))?.silencedUntil).toBeUndefined();
      }),
    );

    it(
      'prunes storm digests past retention with their alerts, keeping those fixes point at',
      withStore(async (store) => {
        await store.receiveAlerts([alert('a'), alert('b'), alert('c')], 'C1', T0);
        const storm = { channel: 'C1', entryKey: '', windowMs: 60_000, threshold: 0, now: T0 };
        const opened = await store.placeInStorm({ ...storm, alertId: 1 });
        await store.placeInStorm({ ...storm, alertId: 2 });
        expect(opened.kind).toBe('opened');
        await store.prune(T0 + 10 * 24 * HOUR);
        expect(await store.getAlert(1)).toBeUndefined();
        expect(await store.getAlert(2)).toBeUndefined();
        expect(await store.getDigest(opened.kind === 'opened' ? opened.digest.id : 0)).toBeUndefined();
      }),
    );
  });
}
