/**
 * Slack request verification (v0 signatures) with Web Crypto, so it runs on Node and Workers alike.
 * The caller passes the current time: replay windows are tested without fake timers.
 * @module
 * @example
 * const failure = await verifySlackRequest(secret, { timestamp, signature }, rawBody, clock.now());
 * if (failure) return unauthorized(failure);
 */
import { concatBytes, encodeUtf8, hexToBytes, hmacKey, parseUnixSeconds, verifyHmac } from '../core/security/hmac.js';
import { isFresh, SIGNATURE_WINDOW_SECONDS } from '../core/security/signature.js';

/** Slack's replay window: a request signed more than five minutes from now is refused. */
export const MAX_SKEW_SECONDS = SIGNATURE_WINDOW_SECONDS;

export type VerifyFailure = 'missing-headers' | 'stale-timestamp' | 'bad-signature';

export interface SlackRequestHeaders {
  timestamp: string | null | undefined;
  signature: string | null | undefined;
}

/**
 * Checks `X-Slack-Signature` over the raw body (the exact bytes, or their text when that is all there
 * is). Returns undefined when the request is genuine. `crypto.subtle.verify` compares in constant time,
 * so a near miss takes as long as a far one.
 */
export async function verifySlackRequest(
  signingSecret: string,
  headers: SlackRequestHeaders,
  rawBody: string | Uint8Array,
  nowMs: number,
): Promise<VerifyFailure | undefined> {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature) return 'missing-headers';
  const seconds = parseUnixSeconds(timestamp);
  if (seconds === undefined || !isFresh(seconds, nowMs)) return 'stale-timestamp';
  if (!signature.startsWith('v0=')) return 'bad-signature';
  const expected = hexToBytes(signature.slice(3));
  if (!expected) return 'bad-signature';
  const body = typeof rawBody === 'string' ? encodeUtf8(rawBody) : rawBody;
  const valid = await verifyHmac(
    await hmacKey(encodeUtf8(signingSecret)),
    expected,
    concatBytes(encodeUtf8(`v0:${timestamp}:`), body),
  );
  return valid ? undefined : 'bad-signature';
}
