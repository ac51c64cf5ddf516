/**
 * Sentry integration platform webhooks (an internal integration used as an alert rule action).
 * Two resources carry alerts: `event_alert` (an issue alert rule fired; Sentry never sends its
 * resolve) and `metric_alert` (`critical`, `warning`, `resolved`). Other resources Sentry may send
 * to the same URL (`installation`, `issue`, ...) are acknowledged with no alerts.
 * @module
 */
import { z } from 'zod';
import type { Alert, ParseOutcome, SourceParser } from '../alert.js';
import { idSchema, joinText, looseText, nonEmpty, recordOf, STATUS_CODE_LABELS, statusCodeFrom } from './fields.js';
import { invalid, validate } from './validate.js';

/** Optional text apierr only reads for detail: read liberally (a number where a string was expected is its text). */
const text = looseText;

const eventAlertSchema = z.object({
  data: z.object({
    event: z.object({
      issue_id: idSchema,
      title: z.string().trim().min(1, 'must not be empty'),
      message: text,
      culprit: text,
      level: text,
      datetime: text,
      web_url: text,
      issue_url: text,
      url: text,
      // Tags only enrich the alert; a shape we do not expect is ignored rather than refused.
      tags: z
        .array(z.tuple([z.string(), z.string()]))
        .nullish()
        .catch(undefined),
    }),
  }),
});

const metricAlertSchema = z.object({
  action: z.enum(['critical', 'warning', 'resolved']),
  data: z.object({
    metric_alert: z.object({
      id: idSchema,
      title: z.string().trim().min(1, 'must not be empty'),
      date_started: text,
      date_closed: text,
      projects: z.array(z.string()).nullish().catch(undefined),
      alert_rule: z.object({ environment: text }).nullish().catch(undefined),
    }),
    description_text: text,
    web_url: text,
  }),
});

const envelopeSchema = z.object({ data: z.record(z.string(), z.unknown()) });

const STATUS_CODE_TAGS = ['http.status_code', ...STATUS_CODE_LABELS];

/**
 * Dedup keys follow Sentry's own incident identity: `sentry:issue:<issue_id>` for issue alerts
 * (every alert on one issue is one thread) and `sentry:metric_alert:<incident id>` for metric alerts.
 * The resource comes from the `Sentry-Hook-Resource` header, or from the body's shape without it.
 */
export const parseSentry: SourceParser = (body, context) => {
  const envelope = validate(envelopeSchema, body);
  if (!envelope.ok) return envelope;
  const resource = nonEmpty(context.headers['sentry-hook-resource']) ?? resourceOf(envelope.value.data);
  if (resource === 'event_alert') return parseEventAlert(body);
  if (resource === 'metric_alert') return parseMetricAlert(body);
  if (resource !== undefined) return { ok: true, alerts: [] };
  return invalid('/data', 'must hold "event" (an issue alert) or "metric_alert" (a metric alert)');
};

/**
 * The resource a body is about when the `Sentry-Hook-Resource` header is missing: an alert by its data, else
 * the one key of `data` that names the resource of every other Sentry webhook (`issue`, `comment`, `error`,
 * `installation`), which carries no alert.
 */
function resourceOf(data: Record<string, unknown>): string | undefined {
  if (Object.hasOwn(data, 'metric_alert')) return 'metric_alert';
  if (Object.hasOwn(data, 'event')) return 'event_alert';
  return OTHER_RESOURCES.find((resource) => Object.hasOwn(data, resource));
}

const OTHER_RESOURCES = ['issue', 'comment', 'error', 'installation'] as const;

function parseEventAlert(body: unknown): ParseOutcome {
  const parsed = validate(eventAlertSchema, body);
  if (!parsed.ok) return parsed;
  const { event } = parsed.value.data;
  const labels = recordOf(event.tags ?? []);
  const alert: Alert = {
    source: 'sentry',
    dedupKey: `sentry:issue:${event.issue_id}`,
    status: 'firing',
    title: event.title.trim(),
    description: joinText([event.message, event.culprit]),
    service: nonEmpty(labels.service) ?? projectSlug(event.url),
    severity: nonEmpty(event.level),
    statusCode: statusCodeFrom(labels, STATUS_CODE_TAGS),
    startsAt: nonEmpty(event.datetime),
    url: nonEmpty(event.web_url) ?? nonEmpty(event.issue_url),
    labels,
  };
  return { ok: true, alerts: [alert] };
}

function parseMetricAlert(body: unknown): ParseOutcome {
  const parsed = validate(metricAlertSchema, body);
  if (!parsed.ok) return parsed;
  const { action, data } = parsed.value;
  const incident = data.metric_alert;
  const resolved = action === 'resolved';
  const environment = nonEmpty(incident.alert_rule?.environment);
  const alert: Alert = {
    source: 'sentry',
    dedupKey: `sentry:metric_alert:${incident.id}`,
    status: resolved ? 'resolved' : 'firing',
    title: incident.title.trim(),
    description: joinText([data.description_text]),
    service: nonEmpty(incident.projects?.[0]),
    // The action is the trigger level that fired; a resolve has none.
    severity: resolved ? undefined : action,
    startsAt: nonEmpty(incident.date_started),
    endsAt: resolved ? nonEmpty(incident.date_closed) : undefined,
    url: nonEmpty(data.web_url),
    labels: environment ? { environment } : {},
  };
  return { ok: true, alerts: [alert] };
}

/** The project slug in an event's API URL: `.../api/0/projects/<org>/<project>/events/<id>/`. */
function projectSlug(url: string | null | undefined): string | undefined {
  return url ? /\/projects\/[^/]+\/([^/]+)\/events\//.exec(url)?.[1] : undefined;
}
