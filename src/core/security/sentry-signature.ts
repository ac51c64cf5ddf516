/**
 * Sentry's integration platform signature (FORMATS.md 1.4): `Sentry-Hook-Signature` is the lowercase hex
 * HMAC-SHA256 of the raw body, keyed with the integration's Client Secret. Sentry does not sign its
 * `Sentry-Hook-Timestamp`, so there is no replay window to check: a replay is caught by the dedup key
 * (the issue or the metric alert incident) instead.
 * @module
 * @example
 * const failure = await verifySentrySignature({ kind: 'sentry-hmac', secret }, lookup, body);
 */
import { type Bytes, encodeUtf8, hexToBytes, hmacKey, verifyHmac } from './hmac.js';
import { type HeaderLookup, missing, type SignatureFailure } from './signature.js';

export interface SentryHmacScheme {
  kind: 'sentry-hmac';
  /** The integration's Client Secret (`SENTRY_CLIENT_SECRET`). */
  secret: string;
}

export const SENTRY_SIGNATURE = 'Sentry-Hook-Signature';

export async function verifySentrySignature(
  scheme: SentryHmacScheme,
  header: HeaderLookup,
  body: Bytes,
): Promise<SignatureFailure | undefined> {
  const signature = header(SENTRY_SIGNATURE.toLowerCase())?.trim();
  if (!signature) return missing(SENTRY_SIGNATURE);
  const expected = hexToBytes(signature);
  const valid = expected !== undefined && (await verifyHmac(await hmacKey(encodeUtf8(scheme.secret)), expected, body));
  return valid
    ? undefined
    : {
        reason: 'bad-signature',
        header: SENTRY_SIGNATURE,
        detail: `${SENTRY_SIGNATURE} is not the HMAC-SHA256 of the body with the integration's Client Secret.`,
      };
}
