/**
 * Opsgenie's outgoing Webhook integration: `{ action, alert: {...}, source, integrationId }`,
 * one request per alert action (`Create`, `Acknowledge`, `AddNote`, `Close`, custom actions, ...).
 * @module
 */
import { z } from 'zod';
import type { SourceParser } from '../alert.js';
import {
  isoFromEpoch,
  looseNumber,
  looseText,
  nonEmpty,
  recordOf,
  STATUS_CODE_LABELS,
  statusCodeFrom,
} from './fields.js';
import { validate } from './validate.js';

const bodySchema = z.object({
  action: z.string().trim().min(1, 'must not be empty'),
  alert: z.object({
    alertId: z.string().trim().min(1, 'must not be empty'),
    message: z.string().trim().min(1, 'must not be empty'),
    // Only enrich the alert: read liberally (Opsgenie sends `priority` as "P3" or as the number 3).
    description: looseText,
    entity: looseText,
    priority: looseText,
    createdAt: looseNumber,
    updatedAt: looseNumber,
    // Tags and details only enrich the alert; a shape we do not expect is ignored rather than refused.
    tags: z.array(z.string()).nullish().catch(undefined),
    details: z.record(z.string(), z.string()).nullish().catch(undefined),
  }),
});

/** Actions after which the alert is over. */
const CLOSING_ACTIONS = new Set(['Close', 'Delete']);

/**
 * Dedup key `opsgenie:<alertId>`; Opsgenie opens a new alert (a new id) for a new episode.
 * `Close` and `Delete` resolve it; every other action reports the same alert as firing.
 */
export const parseOpsgenie: SourceParser = (body) => {
  const parsed = validate(bodySchema, body);
  if (!parsed.ok) return parsed;
  const { action, alert } = parsed.value;
  const resolved = CLOSING_ACTIONS.has(action.trim());
  const details = recordOf(Object.entries(alert.details ?? {}));
  const tags = (alert.tags ?? []).map((tag) => tag.trim()).filter(Boolean);
  const labels = tags.length > 0 ? { ...details, tags: tags.join(',') } : details;
  return {
    ok: true,
    alerts: [
      {
        source: 'opsgenie',
        dedupKey: `opsgenie:${alert.alertId.trim()}`,
        status: resolved ? 'resolved' : 'firing',
        title: alert.message.trim(),
        // Opsgenie sends the description only with Create and custom actions.
        description: nonEmpty(alert.description) ?? '',
        service: nonEmpty(details.service) ?? nonEmpty(alert.entity),
        // Opsgenie's priorities are P1-P5; some integrations send the bare number.
        severity: nonEmpty(alert.priority)?.replace(/^([1-5])$/, 'P$1'),
        statusCode: statusCodeFrom(details, STATUS_CODE_LABELS),
        startsAt: isoFromEpoch(alert.createdAt),
        // updatedAt is the time of this action (in nanoseconds), so it ends the alert when it closes it.
        endsAt: resolved ? isoFromEpoch(alert.updatedAt) : undefined,
        labels,
      },
    ],
  };
};
