import { describe, expect, it } from 'vitest';
import { alertsOf, fixture, noHeaders, pointerOf } from '../../../../test/helpers/source-fixtures.js';
import { parseSentry } from './sentry.js';

describe('parseSentry', () => {
  it('turns an issue alert into a firing alert keyed by the issue', () => {
    const [alert] = alertsOf(
      parseSentry(fixture('sentry-firing.json'), { headers: { 'sentry-hook-resource': 'event_alert' } }),
    );

    expect(alert).toMatchObject({
      source: 'sentry',
      dedupKey: 'sentry:issue:5483920117',
      status: 'firing',
      title: "TypeError: Cannot read properties of undefined (reading 'amount')",
      description: 'chargeCard(src/payments/charge.ts)',
      service: 'checkout-api',
      severity: 'error',
      startsAt: '2025-06-10T09:43:12.418000Z',
      url: 'https://example-corp.sentry.io/issues/5483920117/events/b1e0c6a4f2d94c3e8a7b5d1f0e9c2a64/',
      labels: { environment: 'production', handled: 'no', server_name: 'checkout-api-7d9f8b6c5-2xkqp' },
    });
    expect(alert?.statusCode).toBeUndefined();
  });

  it('turns a resolved metric alert into a resolved alert keyed by the incident', () => {
    const [alert] = alertsOf(
      parseSentry(fixture('sentry-resolved.json'), { headers: { 'sentry-hook-resource': 'metric_alert' } }),
    );

    expect(alert).toEqual({
      source: 'sentry',
      dedupKey: 'sentry:metric_alert:92741',
      status: 'resolved',
      title: 'checkout-api error spike',
      description: '12 events in the last 10 minutes\nFilter: level:error service:checkout-api',
      service: 'checkout-api',
      severity: undefined,
      startsAt: '2025-06-10T09:44:00.000000Z',
      endsAt: '2025-06-10T10:05:00.000000Z',
      url: 'https://example-corp.sentry.io/alerts/rules/details/318/?alert=211',
      labels: { environment: 'production' },
    });
  });

  it('gives the critical and the resolved notification of a metric alert the same key', () => {
    const critical = { ...fixture('sentry-resolved.json'), action: 'critical' };
    const [firing] = alertsOf(parseSentry(critical, noHeaders));
    const [resolved] = alertsOf(parseSentry(fixture('sentry-resolved.json'), noHeaders));

    expect(firing).toMatchObject({ status: 'firing', severity: 'critical', endsAt: undefined });
    expect(firing?.dedupKey).toBe(resolved?.dedupKey);
  });

  it('recognizes the resource from the body when the header is missing', () => {
    expect(alertsOf(parseSentry(fixture('sentry-firing.json'), noHeaders))[0]?.dedupKey).toBe(
      'sentry:issue:5483920117',
    );
  });

  it('acknowledges resources that are not alerts with no alerts', () => {
    const installation = { action: 'created', data: { installation: { uuid: 'x' } } };

    expect(parseSentry(installation, { headers: { 'sentry-hook-resource': 'installation' } })).toEqual({
      ok: true,
      alerts: [],
    });
  });

  it('points at /data when the body is neither kind of alert', () => {
    expect(pointerOf(parseSentry({ action: 'triggered', data: {} }, noHeaders))).toBe('/data');
    expect(pointerOf(parseSentry({ action: 'triggered' }, noHeaders))).toBe('/data');
    expect(pointerOf(parseSentry('event', noHeaders))).toBe('');
  });

  it('points at the field of the alert that is missing or wrong', () => {
    const noIssue = fixture('sentry-firing.json');
    delete ((noIssue.data as Record<string, unknown>).event as Record<string, unknown>).issue_id;
    const badAction = { ...fixture('sentry-resolved.json'), action: 'exploded' };

    expect(pointerOf(parseSentry(noIssue, noHeaders))).toBe('/data/event/issue_id');
    expect(pointerOf(parseSentry(badAction, noHeaders))).toBe('/action');
  });

  it('ignores tags of an unexpected shape instead of refusing the alert', () => {
    const body = fixture('sentry-firing.json');
    ((body.data as Record<string, unknown>).event as Record<string, unknown>).tags = { environment: 'production' };

    expect(alertsOf(parseSentry(body, noHeaders))[0]?.labels).toEqual({});
  });

  it('keeps an issue alert whose optional fields have unexpected types (a numeric level, a null culprit)', () => {
    const body = {
      action: 'triggered',
      data: { event: { issue_id: 7, title: 'TypeError: x is undefined', level: 40, culprit: null, web_url: 12 } },
    };
    const [alert] = alertsOf(parseSentry(body, noHeaders));
    expect(alert).toMatchObject({ title: 'TypeError: x is undefined', severity: '40', dedupKey: 'sentry:issue:7' });
  });
});
