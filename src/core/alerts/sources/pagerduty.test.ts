import { describe, expect, it } from 'vitest';
import { alertsOf, fixture, noHeaders, pointerOf } from '../../../../test/helpers/source-fixtures.js';
import { parsePagerDuty } from './pagerduty.js';

function eventOf(body: Record<string, unknown>): Record<string, unknown> {
  return body.event as Record<string, unknown>;
}

describe('parsePagerDuty', () => {
  it('turns incident.triggered into a firing alert keyed by the incident', () => {
    expect(alertsOf(parsePagerDuty(fixture('pagerduty-firing.json'), noHeaders))).toEqual([
      {
        source: 'pagerduty',
        dedupKey: 'pagerduty:Q2T8KX1VZB9RJD',
        status: 'firing',
        title: '[FIRING:2] HighErrorRate checkout-api',
        description: '',
        service: 'checkout-api',
        severity: 'P1',
        startsAt: '2025-06-10T09:41:45Z',
        endsAt: undefined,
        url: 'https://example-corp.pagerduty.com/incidents/Q2T8KX1VZB9RJD',
        labels: { incident_number: '4821', urgency: 'high' },
      },
    ]);
  });

  it('resolves the same incident on incident.resolved', () => {
    const [firing] = alertsOf(parsePagerDuty(fixture('pagerduty-firing.json'), noHeaders));
    const [resolved] = alertsOf(parsePagerDuty(fixture('pagerduty-resolved.json'), noHeaders));

    expect(resolved?.dedupKey).toBe(firing?.dedupKey);
    expect(resolved?.status).toBe('resolved');
    expect(resolved?.endsAt).toBe('2025-06-10T10:02:52.904Z');
  });

  it('reports other incident events as the same incident, still firing', () => {
    const body = fixture('pagerduty-firing.json');
    eventOf(body).event_type = 'incident.acknowledged';

    expect(alertsOf(parsePagerDuty(body, noHeaders))[0]).toMatchObject({
      dedupKey: 'pagerduty:Q2T8KX1VZB9RJD',
      status: 'firing',
    });
  });

  it('falls back to urgency for severity when the incident has no priority', () => {
    const body = fixture('pagerduty-firing.json');
    (eventOf(body).data as Record<string, unknown>).priority = null;

    expect(alertsOf(parsePagerDuty(body, noHeaders))[0]?.severity).toBe('high');
  });

  it('acknowledges events that are not about an incident itself with no alerts', () => {
    const note = { event: { event_type: 'incident.annotated', data: { type: 'incident_note', content: 'hi' } } };
    const service = { event: { event_type: 'service.updated', data: { type: 'service', id: 'PXK3N7Q' } } };

    expect(parsePagerDuty(note, noHeaders)).toEqual({ ok: true, alerts: [] });
    expect(parsePagerDuty(service, noHeaders)).toEqual({ ok: true, alerts: [] });
  });

  it('points at the field that is missing or wrong', () => {
    const noTitle = fixture('pagerduty-firing.json');
    delete (eventOf(noTitle).data as Record<string, unknown>).title;

    expect(pointerOf(parsePagerDuty(noTitle, noHeaders))).toBe('/event/data/title');
    expect(pointerOf(parsePagerDuty({ event: {} }, noHeaders))).toBe('/event/event_type');
    expect(pointerOf(parsePagerDuty({ messages: [] }, noHeaders))).toBe('/event');
    expect(pointerOf(parsePagerDuty(null, noHeaders))).toBe('');
  });

  it('keeps an incident whose optional fields have unexpected types', () => {
    const body = {
      event: {
        event_type: 'incident.triggered',
        occurred_at: 1749548593,
        data: { type: 'incident', id: 'PX1', title: 'Checkout 502s', urgency: 1, html_url: null, created_at: false },
      },
    };
    const [alert] = alertsOf(parsePagerDuty(body, noHeaders));
    expect(alert).toMatchObject({ title: 'Checkout 502s', dedupKey: 'pagerduty:PX1' });
  });
});
