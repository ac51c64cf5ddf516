import { describe, expect, it } from 'vitest';
import { alertsOf, errorOf, fixture, noHeaders } from '../../../../test/helpers/source-fixtures.js';
import { parseDatadog } from './datadog.js';

describe('parseDatadog', () => {
  it('turns a triggered monitor into a firing alert keyed by its alert cycle', () => {
    const [alert] = alertsOf(parseDatadog(fixture('datadog-firing.json'), noHeaders));

    expect(alert).toMatchObject({
      source: 'datadog',
      dedupKey: 'datadog:7736094451183207445',
      status: 'firing',
      title: 'checkout-api 5xx ratio above 5%',
      service: 'checkout-api',
      severity: 'P1',
      startsAt: '2025-06-10T09:41:30.000Z',
      url: 'https://app.datadoghq.com/event/event?id=7736094451183207445',
      labels: { env: 'prod', monitor: '', service: 'checkout-api', team: 'payments' },
    });
    expect(alert?.statusCode).toBeUndefined();
    expect(alert?.endsAt).toBeUndefined();
  });

  it('describes the alert with the event message without its %%% Markdown markers', () => {
    const [alert] = alertsOf(parseDatadog(fixture('datadog-firing.json'), noHeaders));

    expect(alert?.description).toMatch(/^checkout-api 5xx ratio is 7\.3% \(threshold 5%\)/);
    expect(alert?.description).not.toContain('%%%');
  });

  it('resolves the same alert cycle when the monitor recovers', () => {
    const [firing] = alertsOf(parseDatadog(fixture('datadog-firing.json'), noHeaders));
    const [resolved] = alertsOf(parseDatadog(fixture('datadog-resolved.json'), noHeaders));

    expect(resolved?.dedupKey).toBe(firing?.dedupKey);
    expect(resolved?.status).toBe('resolved');
    expect(resolved?.endsAt).toBe('2025-06-10T10:02:30.000Z');
    expect(resolved?.startsAt).toBeUndefined();
  });

  it('dates the start only from the notification that opens the cycle, not from a renotification', () => {
    const renotify = { ...fixture('datadog-firing.json'), alert_transition: 'Renotify' };

    expect(alertsOf(parseDatadog(renotify, noHeaders))[0]?.startsAt).toBeUndefined();
  });

  it('counts warnings, missing data and renotifications as firing', () => {
    for (const transition of ['Warn', 'No Data', 'Re-Triggered', 'Renotify']) {
      const body = { ...fixture('datadog-firing.json'), alert_transition: transition };
      expect(alertsOf(parseDatadog(body, noHeaders))[0]?.status).toBe('firing');
    }
  });

  it('falls back to the aggregation key, then to the monitor and its scope, then to the event id', () => {
    const noCycle = { ...fixture('datadog-firing.json'), alert_cycle_key: '$ALERT_CYCLE_KEY' };
    const noKeys = { ...noCycle, aggreg_key: '' };
    const noMonitor = { ...noKeys, alert_id: '$ALERT_ID' };

    expect(alertsOf(parseDatadog(noCycle, noHeaders))[0]?.dedupKey).toBe('datadog:3c1f9a7be25d4f0c8a6e91d2b7f40e55');
    expect(alertsOf(parseDatadog(noKeys, noHeaders))[0]?.dedupKey).toMatch(/^datadog:monitor:81234567:/);
    expect(alertsOf(parseDatadog(noMonitor, noHeaders))[0]?.dedupKey).toBe('datadog:7736094451183207445');
  });

  it('gives a Recovered without a cycle key the key of its trigger: same monitor, same scope', () => {
    const warn = {
      id: '1',
      title: '[Warn] API errors',
      alert_transition: 'Warn',
      monitor_id: 134462228,
      scopes: 'service:keep-api,env:prod',
    };
    const recovered = {
      ...warn,
      id: '2',
      title: '[Recovered] API errors',
      alert_transition: 'Recovered',
      scopes: 'env:prod,service:keep-api',
    };
    const other = { ...warn, id: '3', scopes: 'service:billing' };
    const [fired] = alertsOf(parseDatadog(warn, noHeaders));
    const [resolved] = alertsOf(parseDatadog(recovered, noHeaders));
    expect(resolved?.dedupKey).toBe(fired?.dedupKey);
    expect(resolved?.status).toBe('resolved');
    expect(alertsOf(parseDatadog(other, noHeaders))[0]?.dedupKey).not.toBe(fired?.dedupKey);
  });

  it('reads an HTTP status code from the tags', () => {
    const body = { ...fixture('datadog-firing.json'), tags: 'env:prod,service:checkout-api,http.status_code:503' };

    expect(alertsOf(parseDatadog(body, noHeaders))[0]?.statusCode).toBe(503);
  });

  it('uses the event title when the alert title variable was left out', () => {
    const body = fixture('datadog-firing.json');
    delete body.alert_title;

    expect(alertsOf(parseDatadog(body, noHeaders))[0]?.title).toBe('[P1] [Triggered] checkout-api 5xx ratio above 5%');
  });

  it('rejects a body sent with Datadog default template, which lacks the transition', () => {
    const body = fixture('datadog-firing.json');
    delete body.alert_transition;
    const error = errorOf(parseDatadog(body, noHeaders));

    expect(error.pointer).toBe('/alert_transition');
    expect(error.message).toContain('$ALERT_TRANSITION');
  });

  it('points at the field that is missing or wrong', () => {
    const body = fixture('datadog-firing.json');
    delete body.id;

    expect(errorOf(parseDatadog(body, noHeaders)).pointer).toBe('/id');
    expect(errorOf(parseDatadog({ ...fixture('datadog-firing.json'), tags: ['a'] }, noHeaders)).pointer).toBe('/tags');
    expect(
      errorOf(parseDatadog({ ...fixture('datadog-firing.json'), alert_title: '', title: '' }, noHeaders)).pointer,
    ).toBe('/alert_title');
    expect(errorOf(parseDatadog([], noHeaders)).pointer).toBe('');
  });
});
