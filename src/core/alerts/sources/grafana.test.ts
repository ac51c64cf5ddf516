import { describe, expect, it } from 'vitest';
import { alertsOf, fixture, noHeaders, pointerOf } from '../../../../test/helpers/source-fixtures.js';
import { parseGrafana } from './grafana.js';

function firstAlertOf(body: Record<string, unknown>): Record<string, unknown> {
  return (body.alerts as Record<string, unknown>[])[0] as Record<string, unknown>;
}

describe('parseGrafana', () => {
  it('turns a firing Grafana notification into a firing alert scoped by organization', () => {
    const alerts = alertsOf(parseGrafana(fixture('grafana-firing.json'), noHeaders));

    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      source: 'grafana',
      dedupKey: 'grafana:1:9c3f1e2d4b5a6c70:2025-06-10T09:42:00Z',
      status: 'firing',
      title: 'CheckoutErrorRate',
      service: 'checkout-api',
      severity: 'critical',
      startsAt: '2025-06-10T09:42:00Z',
      endsAt: undefined,
      url: 'https://grafana.example.com/d/checkout-overview?from=1749544620000&orgId=1&to=1749548220000&viewPanel=4',
      labels: { alertname: 'CheckoutErrorRate', grafana_folder: 'Payments', team: 'payments' },
    });
    expect(alerts[0]?.statusCode).toBeUndefined();
  });

  it('describes the alert with its summary, description and evaluated values', () => {
    const [alert] = alertsOf(parseGrafana(fixture('grafana-firing.json'), noHeaders));

    expect(alert?.description.split('\n')).toEqual([
      'checkout-api 5xx ratio is above 5%',
      'Error ratio over the last 5 minutes exceeded the threshold.',
      "[ var='A' labels={service=checkout-api} value=0.073 ], [ var='C' labels={service=checkout-api} value=1 ]",
    ]);
  });

  it('gives the resolved notification the same dedup key as the firing one', () => {
    const [firing] = alertsOf(parseGrafana(fixture('grafana-firing.json'), noHeaders));
    const [resolved] = alertsOf(parseGrafana(fixture('grafana-resolved.json'), noHeaders));

    expect(resolved?.dedupKey).toBe(firing?.dedupKey);
    expect(resolved?.status).toBe('resolved');
    expect(resolved?.endsAt).toBe('2025-06-10T10:03:00Z');
  });

  it('keeps the same fingerprint apart in different organizations', () => {
    const other = fixture('grafana-firing.json');
    other.orgId = 2;

    expect(alertsOf(parseGrafana(other, noHeaders))[0]?.dedupKey).toBe(
      'grafana:2:9c3f1e2d4b5a6c70:2025-06-10T09:42:00Z',
    );
  });

  it('links to the dashboard, then to the rule, when there is no panel link', () => {
    const body = fixture('grafana-firing.json');
    const alert = firstAlertOf(body);
    alert.panelURL = '';

    expect(alertsOf(parseGrafana(body, noHeaders))[0]?.url).toBe(alert.dashboardURL);

    delete alert.dashboardURL;
    expect(alertsOf(parseGrafana(body, noHeaders))[0]?.url).toBe(alert.generatorURL);
  });

  it('points at /orgId when the organization is missing or not an integer', () => {
    const missing = fixture('grafana-firing.json');
    delete missing.orgId;
    const fractional = fixture('grafana-firing.json');
    fractional.orgId = 1.5;

    expect(pointerOf(parseGrafana(missing, noHeaders))).toBe('/orgId');
    expect(pointerOf(parseGrafana(fractional, noHeaders))).toBe('/orgId');
  });

  it('points at the alert field that is wrong, as for Alertmanager', () => {
    const body = fixture('grafana-firing.json');
    firstAlertOf(body).valueString = 0.073;

    expect(pointerOf(parseGrafana(body, noHeaders))).toBe('/alerts/0/valueString');
    expect(pointerOf(parseGrafana({ orgId: 1 }, noHeaders))).toBe('/alerts');
    expect(pointerOf(parseGrafana(null, noHeaders))).toBe('');
  });
});
