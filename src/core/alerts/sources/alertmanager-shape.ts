/**
 * The alert object of the Alertmanager webhook format, which Grafana's webhook reuses:
 * its schema and its conversion into an {@link Alert}.
 * @module
 */
import { z } from 'zod';
import type { Alert } from '../alert.js';
import {
  firstLabel,
  joinText,
  nonEmpty,
  recordOf,
  SERVICE_LABELS,
  STATUS_CODE_LABELS,
  statusCodeFrom,
} from './fields.js';
import { labelsFingerprint } from './fingerprint.js';

/** RFC 3339 as Go writes it: `Z` or an offset, any number of fractional digits. */
const timestamp = z.iso.datetime({ offset: true, error: 'must be an RFC 3339 date-time' });

/**
 * Fields of one alert. Required are only those an alert cannot be understood without: its status,
 * its name and when the episode started (half of its identity). A missing fingerprint is derived.
 */
export const alertmanagerAlertShape = {
  status: z.enum(['firing', 'resolved']),
  labels: z.object({ alertname: z.string().trim().min(1, 'must not be empty') }).catchall(z.string()),
  annotations: z.record(z.string(), z.string()).optional(),
  startsAt: timestamp,
  endsAt: timestamp.optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
};

const alertmanagerAlert = z.object(alertmanagerAlertShape);
export type AlertmanagerAlert = z.output<typeof alertmanagerAlert>;

/** Text annotations that explain an alert, in the order people read them. */
const TEXT_ANNOTATIONS = ['summary', 'description', 'message'] as const;

/**
 * Converts one alert. `scope` prefixes the dedup key (`alertmanager`, `grafana:<orgId>`), which
 * is `<scope>:<fingerprint>:<startsAt>`: the fingerprint names the label set and `startsAt` the
 * episode, so a repeat, a redelivery and the resolve of one episode share a key.
 */
export function fromAlertmanagerAlert(alert: AlertmanagerAlert, source: string, scope: string): Alert {
  const labels = recordOf(Object.entries(alert.labels));
  const annotations = alert.annotations ?? {};
  const fingerprint = nonEmpty(alert.fingerprint) ?? labelsFingerprint(labels);
  return {
    source,
    dedupKey: `${scope}:${fingerprint}:${alert.startsAt}`,
    status: alert.status,
    title: alert.labels.alertname.trim(),
    description: joinText(
      TEXT_ANNOTATIONS.map((key) => (Object.hasOwn(annotations, key) ? annotations[key] : undefined)),
    ),
    service: firstLabel(labels, SERVICE_LABELS),
    severity: nonEmpty(labels.severity),
    statusCode: statusCodeFrom(labels, STATUS_CODE_LABELS),
    startsAt: alert.startsAt,
    endsAt: alert.status === 'resolved' ? knownTime(alert.endsAt) : undefined,
    url: nonEmpty(alert.generatorURL),
    labels,
  };
}

/**
 * Go's zero time (`0001-01-01T00:00:00Z`) is how Alertmanager says "no end yet". A firing alert's
 * end is at best an estimate (its resolve timeout), so only a resolved alert gets an `endsAt`.
 */
function knownTime(time: string | undefined): string | undefined {
  return time === undefined || time.startsWith('0001-01-01') ? undefined : time;
}
