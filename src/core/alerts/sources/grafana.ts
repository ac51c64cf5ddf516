/**
 * Grafana unified alerting webhook contact point: the Alertmanager body (version "1") plus
 * `orgId`, `title`, `state`, `message`, and per alert `valueString` and links to the dashboard,
 * the panel and a silence form. Requires Grafana's default payload, not a custom template.
 * @module
 */
import { z } from 'zod';
import type { SourceParser } from '../alert.js';
import { alertmanagerAlertShape, fromAlertmanagerAlert } from './alertmanager-shape.js';
import { joinText, nonEmpty } from './fields.js';
import { validate } from './validate.js';

const grafanaAlert = z.object({
  ...alertmanagerAlertShape,
  valueString: z.string().optional(),
  dashboardURL: z.string().optional(),
  panelURL: z.string().optional(),
  silenceURL: z.string().optional(),
});

const bodySchema = z.object({
  alerts: z.array(grafanaAlert),
  // Fingerprints are only unique within one Grafana organization.
  orgId: z.int().nonnegative(),
});

/**
 * Dedup key `grafana:<orgId>:<fingerprint>:<startsAt>`. The description adds the evaluated values
 * (`valueString`); the link is the most specific one present: panel, dashboard, then rule.
 */
export const parseGrafana: SourceParser = (body) => {
  const parsed = validate(bodySchema, body);
  if (!parsed.ok) return parsed;
  const { orgId, alerts } = parsed.value;
  return {
    ok: true,
    alerts: alerts.map((alert) => {
      const normalized = fromAlertmanagerAlert(alert, 'grafana', `grafana:${orgId}`);
      return {
        ...normalized,
        description: joinText([normalized.description, alert.valueString]),
        url: nonEmpty(alert.panelURL) ?? nonEmpty(alert.dashboardURL) ?? normalized.url,
      };
    }),
  };
};
