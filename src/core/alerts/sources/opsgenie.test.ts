import { describe, expect, it } from 'vitest';
import { alertsOf, fixture, noHeaders, pointerOf } from '../../../../test/helpers/source-fixtures.js';
import { parseOpsgenie } from './opsgenie.js';

describe('parseOpsgenie', () => {
  it('turns a Create action into a firing alert keyed by the alert id', () => {
    expect(alertsOf(parseOpsgenie(fixture('opsgenie-firing.json'), noHeaders))).toEqual([
      {
        source: 'opsgenie',
        dedupKey: 'opsgenie:4c8e3b1a-7f2d-4e9a-b6c5-1d0e9f8a7b6c-1749548491204',
        status: 'firing',
        title: '[FIRING:2] HighErrorRate checkout-api',
        description: 'checkout-api 5xx ratio is 7.3% (threshold 5%) over the last 5m.',
        service: 'checkout-api',
        severity: 'P1',
        statusCode: undefined,
        startsAt: '2025-06-10T09:41:31.204Z',
        endsAt: undefined,
        labels: {
          service: 'checkout-api',
          cluster: 'prod-eu-1',
          runbook: 'https://runbooks.example.com/checkout-api/high-error-rate',
          tags: 'checkout-api,critical,prod',
        },
      },
    ]);
  });

  it('resolves the same alert on Close, ending it at the update time given in nanoseconds', () => {
    const [firing] = alertsOf(parseOpsgenie(fixture('opsgenie-firing.json'), noHeaders));
    const [resolved] = alertsOf(parseOpsgenie(fixture('opsgenie-resolved.json'), noHeaders));

    expect(resolved?.dedupKey).toBe(firing?.dedupKey);
    expect(resolved?.status).toBe('resolved');
    expect(resolved?.endsAt).toBe('2025-06-10T10:02:51.045Z');
    expect(resolved?.description).toBe('');
    expect(resolved?.service).toBe('checkout-api');
  });

  it('reports other actions as the same alert, still firing', () => {
    const body = { ...fixture('opsgenie-firing.json'), action: 'Acknowledge' };

    expect(alertsOf(parseOpsgenie(body, noHeaders))[0]?.status).toBe('firing');
  });

  it('points at the field that is missing or wrong', () => {
    const noId = fixture('opsgenie-firing.json');
    delete (noId.alert as Record<string, unknown>).alertId;

    expect(pointerOf(parseOpsgenie(noId, noHeaders))).toBe('/alert/alertId');
    expect(pointerOf(parseOpsgenie({ alert: {} }, noHeaders))).toBe('/action');
    expect(pointerOf(parseOpsgenie([fixture('opsgenie-firing.json')], noHeaders))).toBe('');
  });
});
