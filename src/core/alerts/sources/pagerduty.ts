/**
 * PagerDuty v3 webhook subscriptions: one event per request, `{ event: { event_type, data } }`.
 * Every `incident.*` event whose `data` is the incident becomes an alert about that incident;
 * events about other things (services, or an incident's notes and responders, whose `data` is
 * not the incident) are acknowledged with no alerts.
 * @module
 */
import { z } from 'zod';
import type { SourceParser } from '../alert.js';
import { looseText, nonEmpty } from './fields.js';
import { validate } from './validate.js';

/** Optional text apierr only reads for detail: read liberally (a number where a string was expected is its text). */
const text = looseText;
const reference = z.object({ summary: text }).nullish().catch(undefined);

const envelopeSchema = z.object({
  event: z.object({
    event_type: z.string().trim().min(1, 'must not be empty'),
    data: z.object({ type: text }).nullish(),
  }),
});

const incidentEventSchema = z.object({
  event: z.object({
    occurred_at: text,
    data: z.object({
      id: z.string().trim().min(1, 'must not be empty'),
      title: z.string().trim().min(1, 'must not be empty'),
      number: z.number().nullish().catch(undefined),
      html_url: text,
      created_at: text,
      urgency: text,
      service: reference,
      priority: reference,
    }),
  }),
});

/**
 * Dedup key `pagerduty:<incident id>`. Resolved iff the event is `incident.resolved`; the other
 * incident events (acknowledged, escalated, reopened, ...) report the same incident as firing.
 */
export const parsePagerDuty: SourceParser = (body) => {
  const envelope = validate(envelopeSchema, body);
  if (!envelope.ok) return envelope;
  const { event_type: eventType, data } = envelope.value.event;
  if (!eventType.startsWith('incident.') || data?.type !== 'incident') return { ok: true, alerts: [] };

  const parsed = validate(incidentEventSchema, body);
  if (!parsed.ok) return parsed;
  const { occurred_at: occurredAt, data: incident } = parsed.value.event;
  const resolved = eventType === 'incident.resolved';
  const urgency = nonEmpty(incident.urgency);
  const labels: Record<string, string> = {};
  if (incident.number != null) labels.incident_number = String(incident.number);
  if (urgency) labels.urgency = urgency;
  return {
    ok: true,
    alerts: [
      {
        source: 'pagerduty',
        dedupKey: `pagerduty:${incident.id.trim()}`,
        status: resolved ? 'resolved' : 'firing',
        title: incident.title.trim(),
        // A v3 incident carries no text beyond its title.
        description: '',
        service: nonEmpty(incident.service?.summary),
        severity: nonEmpty(incident.priority?.summary) ?? urgency,
        startsAt: nonEmpty(incident.created_at),
        endsAt: resolved ? nonEmpty(occurredAt) : undefined,
        url: nonEmpty(incident.html_url),
        labels,
      },
    ],
  };
};
