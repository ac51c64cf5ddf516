/**
 * The normalized alert every webhook source is turned into.
 * @module
 */
import type { PayloadError } from '../errors.js';

export type AlertStatus = 'firing' | 'resolved';

export interface Alert {
  /** The source that sent it: `alertmanager`, `grafana`, `generic`, ... */
  source: string;
  /**
   * Identity of one firing episode, scoped by source (e.g. `alertmanager:<fingerprint>:<startsAt>`).
   * A redelivery, a repeat notification and the matching "resolved" all carry the same key.
   */
  dedupKey: string;
  status: AlertStatus;
  /** Short name people know the alert by (alertname, rule title). */
  title: string;
  /** Everything textual that helps explain it (summary, description, message): what the matcher reads. */
  description: string;
  service?: string | undefined;
  severity?: string | undefined;
  /** An HTTP status code the sender stated explicitly (a label or field), never one guessed from text. */
  statusCode?: number | undefined;
  /** ISO 8601 start of the episode, when the source says. */
  startsAt?: string | undefined;
  /** ISO 8601 end of the episode, for resolved alerts, when the source says. */
  endsAt?: string | undefined;
  /** A link back to the monitoring system (generator, dashboard, incident page). */
  url?: string | undefined;
  labels: Record<string, string>;
}

/** What a source parser receives besides the body: lowercase header names. */
export interface SourceContext {
  headers: Readonly<Record<string, string>>;
  /**
   * The request's signature covered its id header (Standard Webhooks signs `webhook-id`): ids then come
   * only from signed input, and an unsigned `Idempotency-Key` is ignored.
   */
  signedIds?: boolean | undefined;
}

export type ParseOutcome = { ok: true; alerts: Alert[] } | { ok: false; error: PayloadError };

/** Turns a source's parsed JSON body into normalized alerts, or says which field is wrong. */
export type SourceParser = (body: unknown, context: SourceContext) => ParseOutcome;
