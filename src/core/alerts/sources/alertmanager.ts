/**
 * Prometheus Alertmanager `webhook_config` (payload version 4): one request is one group
 * notification, and every element of `alerts[]` becomes one {@link Alert} with its own status
 * (a group can mix firing and resolved alerts).
 * @module
 */
import { z } from 'zod';
import type { SourceParser } from '../alert.js';
import { alertmanagerAlertShape, fromAlertmanagerAlert } from './alertmanager-shape.js';
import { validate } from './validate.js';

const bodySchema = z.object({ alerts: z.array(z.object(alertmanagerAlertShape)) });

/**
 * @example
 * const outcome = parseAlertmanager(await request.json(), { headers: {} });
 * if (outcome.ok) outcome.alerts[0]?.dedupKey; // "alertmanager:5f1c2a9e8b7d3c41:2025-06-10T09:41:30.512Z"
 */
export const parseAlertmanager: SourceParser = (body) => {
  const parsed = validate(bodySchema, body);
  if (!parsed.ok) return parsed;
  return {
    ok: true,
    alerts: parsed.value.alerts.map((alert) => fromAlertmanagerAlert(alert, 'alertmanager', 'alertmanager')),
  };
};
