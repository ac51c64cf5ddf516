/**
 * Silencing an alert in Prometheus Alertmanager from Slack: the port the use case talks through, and the
 * silence it asks for (equal matchers for every label of the alert, as Alertmanager's own UI pre-fills a
 * silence from an alert).
 * @module
 */
import { escapeMrkdwn } from './messages/blocks.js';

export interface SilenceMatcher {
  name: string;
  value: string;
  isRegex: false;
  isEqual: true;
}

export interface SilenceRequest {
  matchers: SilenceMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

export type SilenceFailure =
  /** Alertmanager could not be reached (connection refused, DNS, timeout). */
  | { kind: 'unreachable'; reason: string }
  /** 401/403: ALERTMANAGER_TOKEN or ALERTMANAGER_BASIC_AUTH is wrong. */
  | { kind: 'unauthorized'; reason: string }
  /** 400: Alertmanager refused the silence (invalid matchers, times). */
  | { kind: 'invalid'; reason: string }
  /** 404 on expiry: the silence is gone already. */
  | { kind: 'not-found'; reason: string }
  | { kind: 'error'; reason: string };

export type SilenceResult<T> = { ok: true; value: T } | { ok: false; failure: SilenceFailure };

export interface SilencePort {
  /** `POST /api/v2/silences`: creates the silence, returns its id. */
  create(silence: SilenceRequest): Promise<SilenceResult<{ silenceId: string }>>;
  /** `DELETE /api/v2/silence/{id}`: expires it. */
  expire(silenceId: string): Promise<SilenceResult<void>>;
}

/** The durations offered in Slack. "Until resolved" is not something Alertmanager has, so it is not offered. */
export const SILENCE_HOURS = [1, 4, 24] as const;

/** Equal matchers for every label of the alert; undefined when the labels are gone (retention). */
export function matchersFor(labels: Readonly<Record<string, string>>): SilenceMatcher[] | undefined {
  const matchers = Object.entries(labels)
    .filter(([name, value]) => name !== '' && value !== '')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, value, isRegex: false as const, isEqual: true as const }));
  return matchers.length > 0 ? matchers : undefined;
}

/** What the person who clicked reads when a silence could not be made or expired (mrkdwn, reason escaped). */
export function describeSilenceFailure(failure: SilenceFailure): string {
  return describe({ ...failure, reason: escapeMrkdwn(failure.reason) });
}

function describe(failure: SilenceFailure): string {
  switch (failure.kind) {
    case 'unreachable':
      return `Alertmanager could not be reached (${failure.reason}). Nothing was silenced.`;
    case 'unauthorized':
      return `Alertmanager refused apierr's credentials (${failure.reason}): check ALERTMANAGER_TOKEN or ALERTMANAGER_BASIC_AUTH.`;
    case 'invalid':
      return `Alertmanager refused the silence: ${failure.reason}`;
    case 'not-found':
      return 'Alertmanager no longer has that silence: it has expired already.';
    case 'error':
      return `Alertmanager answered with an error: ${failure.reason}`;
  }
}
