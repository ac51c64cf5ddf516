/**
 * PagerDuty v3 webhook signatures (FORMATS.md 1.5): `X-PagerDuty-Signature: v1=<hex HMAC-SHA256 of the raw
 * body>`, with several comma-separated `v1=` entries while a subscription's secret is being rotated; any
 * one that matches is enough. PagerDuty signs no timestamp, so there is no replay window to check: a
 * replay is caught by the dedup key (the incident) instead.
 * @module
 * @example
 * const failure = await verifyPagerDutySignature({ kind: 'pagerduty-hmac', secret }, lookup, body);
 */
import { type Bytes, encodeUtf8, hexToBytes, hmacKey, verifyHmac } from './hmac.js';
import { type HeaderLookup, missing, type SignatureFailure } from './signature.js';

export interface PagerDutyHmacScheme {
  kind: 'pagerduty-hmac';
  /** The subscription's signing secret (`PAGERDUTY_WEBHOOK_SECRET`). */
  secret: string;
}

export const PAGERDUTY_SIGNATURE = 'X-PagerDuty-Signature';

/** A rotation lists the old and the new secret's signatures; more than this is not a rotation. */
const MAX_SIGNATURES = 8;

export async function verifyPagerDutySignature(
  scheme: PagerDutyHmacScheme,
  header: HeaderLookup,
  body: Bytes,
): Promise<SignatureFailure | undefined> {
  const value = header(PAGERDUTY_SIGNATURE.toLowerCase())?.trim();
  if (!value) return missing(PAGERDUTY_SIGNATURE);
  const candidates = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith('v1='))
    .slice(0, MAX_SIGNATURES)
    .map((entry) => hexToBytes(entry.slice(3)));
  const key = await hmacKey(encodeUtf8(scheme.secret));
  for (const candidate of candidates) {
    if (candidate && (await verifyHmac(key, candidate, body))) return undefined;
  }
  return {
    reason: candidates.length === 0 ? 'malformed-header' : 'bad-signature',
    header: PAGERDUTY_SIGNATURE,
    detail:
      candidates.length === 0
        ? `${PAGERDUTY_SIGNATURE} holds no v1=<hex> signature.`
        : `No v1 signature in ${PAGERDUTY_SIGNATURE} is the HMAC-SHA256 of the body with the subscription's secret.`,
  };
}
