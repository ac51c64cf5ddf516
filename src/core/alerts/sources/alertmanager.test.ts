import { describe, expect, it } from 'vitest';
import { alertsOf, fixture, noHeaders } from '../../../../test/helpers/source-fixtures.js';
import type { ParseOutcome } from '../alert.js';
import { parseAlertmanager } from './alertmanager.js';
import { labelsFingerprint } from './fingerprint.js';

function pointerOf(outcome: ParseOutcome): string {
  if (outcome.ok) throw new Error('expected a payload error');
  expect(outcome.error.code).toBe('payload_invalid');
  return outcome.error.pointer;
}

/** The firing fixture with its first alert changed by `edit`. */
function withFirstAlert(edit: (alert: Record<string, unknown>) => void): Record<string, unknown> {
  const body = fixture('alertmanager-firing.json');
  const alerts = body.alerts as Record<string, unknown>[];
  edit(alerts[0] as Record<string, unknown>);
  return body;
}

describe('parseAlertmanager', () => {
  it('turns each alert of a firing group into one firing alert', () => {
    const alerts = alertsOf(parseAlertmanager(fixture('alertmanager-firing.json'), noHeaders));

    expect(alerts).toHaveLength(2);
    expect(alerts[0]).toEqual({
      source: 'alertmanager',
      dedupKey: 'alertmanager:5f1c2a9e8b7d3c41:2025-06-10T09:41:30.512Z',
      status: 'firing',
      title: 'HighErrorRate',
      description:
        'checkout-api 5xx ratio above 5% on checkout-api-7d9f8b6c5-2xkqp\n5xx ratio is 7.3% (threshold 5%) over the last 5m.',
      service: 'checkout-api',
      severity: 'critical',
      statusCode: undefined,
      startsAt: '2025-06-10T09:41:30.512Z',
      endsAt: undefined,
      url: expect.stringMatching(/^http:\/\/prometheus\.example\.internal:9090\/graph\?/),
      labels: {
        alertname: 'HighErrorRate',
        service: 'checkout-api',
        severity: 'critical',
        namespace: 'payments',
        pod: 'checkout-api-7d9f8b6c5-2xkqp',
        job: 'checkout-api',
        cluster: 'prod-eu-1',
      },
    });
    expect(alerts[1]?.dedupKey).toBe('alertmanager:a03be7c15d92f6e8:2025-06-10T09:41:30.512Z');
  });

  it('gives the resolved notification of an episode the same dedup keys as the firing one', () => {
    const firing = alertsOf(parseAlertmanager(fixture('alertmanager-firing.json'), noHeaders));
    const resolved = alertsOf(parseAlertmanager(fixture('alertmanager-resolved.json'), noHeaders));

    expect(resolved.map((alert) => alert.dedupKey)).toEqual(firing.map((alert) => alert.dedupKey));
    expect(resolved.map((alert) => alert.status)).toEqual(['resolved', 'resolved']);
    expect(resolved[0]?.endsAt).toBe('2025-06-10T10:02:30.512Z');
  });

  it('takes the status of each alert, not of the group, when a group mixes firing and resolved', () => {
    const body = fixture('alertmanager-firing.json');
    const alerts = body.alerts as Record<string, unknown>[];
    (alerts[1] as Record<string, unknown>).status = 'resolved';

    expect(alertsOf(parseAlertmanager(body, noHeaders)).map((alert) => alert.status)).toEqual(['firing', 'resolved']);
  });

  it('derives the fingerprint Alertmanager would send when an older sender leaves it out', () => {
    const body = withFirstAlert((alert) => {
      delete alert.fingerprint;
    });
    const [alert] = alertsOf(parseAlertmanager(body, noHeaders));
    const expected = labelsFingerprint(alert?.labels ?? {});

    expect(alert?.dedupKey).toBe(`alertmanager:${expected}:2025-06-10T09:41:30.512Z`);
    expect(expected).toMatch(/^[0-9a-f]{16}$/);
  });

  it('adds a message annotation to the description after summary and description', () => {
    const body = withFirstAlert((alert) => {
      alert.annotations = { message: 'upstream answered 502', summary: 'checkout is failing' };
    });

    expect(alertsOf(parseAlertmanager(body, noHeaders))[0]?.description).toBe(
      'checkout is failing\nupstream answered 502',
    );
  });

  it('reads an explicit status code label and ignores one that is not an HTTP status code', () => {
    const withCode = (labels: Record<string, string>) =>
      alertsOf(
        parseAlertmanager(
          withFirstAlert((alert) => {
            alert.labels = { alertname: 'HighErrorRate', ...labels };
          }),
          noHeaders,
        ),
      )[0]?.statusCode;

    expect(withCode({ status_code: '503' })).toBe(503);
    expect(withCode({ code: '5xx', http_status: '429' })).toBe(429);
    expect(withCode({ code: '5xx' })).toBeUndefined();
    expect(withCode({ status: '700' })).toBeUndefined();
    expect(withCode({ status_code: '50.3' })).toBeUndefined();
  });

  it('takes the service from the first of service, job, app, application and namespace', () => {
    const serviceOf = (labels: Record<string, string>) =>
      alertsOf(
        parseAlertmanager(
          withFirstAlert((alert) => {
            alert.labels = { alertname: 'X', ...labels };
          }),
          noHeaders,
        ),
      )[0]?.service;

    expect(serviceOf({ namespace: 'payments', job: 'checkout-api' })).toBe('checkout-api');
    expect(serviceOf({ namespace: 'payments', app: 'web' })).toBe('web');
    expect(serviceOf({ namespace: 'payments' })).toBe('payments');
    expect(serviceOf({})).toBeUndefined();
  });

  it('accepts an alert without annotations, end time or generator URL', () => {
    const body = withFirstAlert((alert) => {
      delete alert.annotations;
      delete alert.endsAt;
      delete alert.generatorURL;
    });
    const [alert] = alertsOf(parseAlertmanager(body, noHeaders));

    expect(alert?.description).toBe('');
    expect(alert?.url).toBeUndefined();
  });

  it('accepts an empty alert list as nothing to do', () => {
    expect(parseAlertmanager({ alerts: [] }, noHeaders)).toEqual({ ok: true, alerts: [] });
  });

  it('points at /alerts when the alert list is missing or not an array', () => {
    expect(pointerOf(parseAlertmanager({ version: '4' }, noHeaders))).toBe('/alerts');
    expect(pointerOf(parseAlertmanager({ alerts: {} }, noHeaders))).toBe('/alerts');
  });

  it('says a missing field is required, and what it must hold', () => {
    const noAlerts = parseAlertmanager({ version: '4' }, noHeaders);
    const noStatus = parseAlertmanager(
      withFirstAlert((alert) => delete alert.status),
      noHeaders,
    );

    expect(noAlerts.ok ? '' : noAlerts.error.message).toBe('/alerts: is required (array)');
    expect(noStatus.ok ? '' : noStatus.error.message).toBe(
      '/alerts/0/status: is required (one of "firing"|"resolved")',
    );
  });

  it('points at the alert name when an alert has none', () => {
    const body = withFirstAlert((alert) => {
      alert.labels = { service: 'checkout-api' };
    });

    expect(pointerOf(parseAlertmanager(body, noHeaders))).toBe('/alerts/0/labels/alertname');
  });

  it('points at the field of the alert that has the wrong type or value', () => {
    const pointerAfter = (edit: (alert: Record<string, unknown>) => void) =>
      pointerOf(parseAlertmanager(withFirstAlert(edit), noHeaders));

    expect(pointerAfter((alert) => (alert.status = 'pending'))).toBe('/alerts/0/status');
    expect(pointerAfter((alert) => delete alert.status)).toBe('/alerts/0/status');
    expect(pointerAfter((alert) => delete alert.startsAt)).toBe('/alerts/0/startsAt');
    expect(pointerAfter((alert) => (alert.startsAt = 'yesterday'))).toBe('/alerts/0/startsAt');
    expect(pointerAfter((alert) => (alert.labels = { alertname: 'X', pod: 7 }))).toBe('/alerts/0/labels/pod');
    expect(pointerAfter((alert) => (alert.annotations = ['summary']))).toBe('/alerts/0/annotations');
    expect(pointerAfter((alert) => (alert.fingerprint = 42))).toBe('/alerts/0/fingerprint');
  });

  it('points at the whole body ("") when the body is not an object', () => {
    for (const body of [null, [], 'alerts', 42, true, undefined]) {
      expect(pointerOf(parseAlertmanager(body, noHeaders))).toBe('');
    }
  });
});
