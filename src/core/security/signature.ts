/**
 * What a webhook signature check answers: nothing when the request is genuine, else which header is at
 * fault and why. A failed check is an expected outcome (a stranger, a replay), so it is a value, not a throw.
 * @module
 */

/** How far a signed timestamp may be from now, either way: the window Slack, Stripe and Svix all use. */
export const SIGNATURE_WINDOW_SECONDS = 5 * 60;

export type SignatureFailureReason = 'missing-header' | 'malformed-header' | 'stale-timestamp' | 'bad-signature';

export interface SignatureFailure {
  reason: SignatureFailureReason;
  /** The header to fix, as the sender spells it. */
  header: string;
  detail: string;
}

/** Lowercase header names to values, as the HTTP layer hands them over. */
export type HeaderLookup = (name: string) => string | undefined;

export function isFresh(timestampSeconds: number, nowMs: number): boolean {
  return Math.abs(nowMs / 1000 - timestampSeconds) <= SIGNATURE_WINDOW_SECONDS;
}

export function missing(header: string): SignatureFailure {
  return { reason: 'missing-header', header, detail: `Send the ${header} header.` };
}

export function stale(header: string): SignatureFailure {
  return {
    reason: 'stale-timestamp',
    header,
    detail: `${header} is more than ${SIGNATURE_WINDOW_SECONDS / 60} minutes from the server's time: a replay, or a clock to fix.`,
  };
}
