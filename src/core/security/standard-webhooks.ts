/**
 * Standard Webhooks (FORMATS.md 1.8), as Svix-based producers send them: `webhook-id`,
 * `webhook-timestamp` and `webhook-signature` (a space-separated list of `v1,<base64 HMAC-SHA256>`, any
 * of which may match, so a producer can rotate its secret) over `"<id>.<timestamp>.<raw body>"`.
 * @module
 * @example
 * const key = parseStandardWebhooksSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
 * const failure = await verifyStandardWebhook({ kind: 'standard-webhooks', key }, lookup, body, now);
 */
import { type Bytes, base64ToBytes, concatBytes, encodeUtf8, hmacKey, parseUnixSeconds, verifyHmac } from './hmac.js';
import { type HeaderLookup, isFresh, missing, type SignatureFailure, stale } from './signature.js';

export interface StandardWebhooksScheme {
  kind: 'standard-webhooks';
  /** The HMAC key: the base64-decoded part of `whsec_...`. */
  key: Bytes;
}

export const WEBHOOK_ID = 'webhook-id';
export const WEBHOOK_TIMESTAMP = 'webhook-timestamp';
export const WEBHOOK_SIGNATURE = 'webhook-signature';

/** The spec's key sizes: shorter is too weak, longer is not a key any producer generates. */
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;
/** Producers list one signature per active secret; more than this is not a rotation but an attack. */
const MAX_SIGNATURES = 8;

/** The key inside `whsec_<base64>` (the prefix is optional, as in the reference libraries), or undefined. */
export function parseStandardWebhooksSecret(secret: string): Bytes | undefined {
  const key = base64ToBytes(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret);
  return key && key.length >= MIN_KEY_BYTES && key.length <= MAX_KEY_BYTES ? key : undefined;
}

export async function verifyStandardWebhook(
  scheme: StandardWebhooksScheme,
  header: HeaderLookup,
  body: Bytes,
  nowMs: number,
): Promise<SignatureFailure | undefined> {
  const id = header(WEBHOOK_ID)?.trim();
  const timestamp = header(WEBHOOK_TIMESTAMP)?.trim();
  const signatures = header(WEBHOOK_SIGNATURE)?.trim();
  if (!id) return missing(WEBHOOK_ID);
  if (!timestamp) return missing(WEBHOOK_TIMESTAMP);
  if (!signatures) return missing(WEBHOOK_SIGNATURE);
  const seconds = parseUnixSeconds(timestamp);
  if (seconds === undefined)
    return { reason: 'malformed-header', header: WEBHOOK_TIMESTAMP, detail: 'Send unix seconds.' };
  if (!isFresh(seconds, nowMs)) return stale(WEBHOOK_TIMESTAMP);

  const candidates = signatures
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .slice(0, MAX_SIGNATURES)
    .map((entry) => base64ToBytes(entry.slice(3)));
  const key = await hmacKey(scheme.key);
  const signed = concatBytes(encodeUtf8(`${id}.${timestamp}.`), body);
  for (const candidate of candidates) {
    if (candidate && (await verifyHmac(key, candidate, signed))) return undefined;
  }
  return {
    reason: 'bad-signature',
    header: WEBHOOK_SIGNATURE,
    detail: 'No v1 signature in webhook-signature matches the webhook-id, webhook-timestamp and body.',
  };
}
