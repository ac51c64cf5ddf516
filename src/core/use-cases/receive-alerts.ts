/**
 * Receiving alerts: store each event under its dedup key and queue what Slack is owed, in one unit of
 * work, before the sender gets its answer. Matching and rendering wait for delivery.
 * @module
 */
import type { Alert } from '../alerts/alert.js';
import type { ReceiptOutcome } from '../ports.js';
import type { CoreServices } from './services.js';

export interface ReceiptSummary {
  /** Events that created or changed something (a new alert, a resolve, a repeat, a reopen). */
  accepted: number;
  /** Events that were already known: redeliveries and repeats that change nothing. */
  duplicates: number;
  alerts: { dedupKey: string; status: Alert['status']; outcome: ReceiptOutcome }[];
}

export async function receiveAlerts(
  services: Pick<CoreServices, 'store' | 'clock' | 'alertChannel'>,
  alerts: readonly Alert[],
  /** The channel the sender named (already checked against the allowed ones); the alert channel otherwise. */
  channel?: string | undefined,
  /** The request's id (X-Request-Id): it follows the alert into the Slack message's metadata. */
  requestId?: string | undefined,
): Promise<ReceiptSummary> {
  const outcomes = await services.store.receiveAlerts(
    alerts,
    channel ?? services.alertChannel,
    services.clock.now(),
    requestId,
  );
  const rows = alerts.map((alert, i) => ({
    dedupKey: alert.dedupKey,
    status: alert.status,
    outcome: outcomes[i] ?? 'duplicate',
  }));
  const duplicates = rows.filter((row) => row.outcome === 'duplicate').length;
  return { accepted: rows.length - duplicates, duplicates, alerts: rows };
}
