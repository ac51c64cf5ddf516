/**
 * Slack request verification (v0 signatures) with Web Crypto, so it runs on Node and Workers alike.
 * The caller passes the current time: replay windows are tested without fake timers.
 * @module
 */

/** Slack's replay window: a request signed more than five minutes from now is refused. */
export const MAX_SKEW_SECONDS = 5 * 60;

export type VerifyFailure = 'missing-headers' | 'stale-timestamp' | 'bad-signature';

export interface SlackRequestHeaders {
  timestamp: string | null | undefined;
  signature: string | null | undefined;
}

type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

const encoder = new TextEncoder();
const keyCache = new Map<string, Promise<HmacKey>>();

function hmacKey(secret: string): Promise<HmacKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    keyCache.set(secret, key);
  }
  return key;
}

function hexToBytes(hex: string): Uint8Array | undefined {
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/**
 * Checks `X-Slack-Signature` over the raw body. Returns undefined when the request is genuine.
 * `crypto.subtle.verify` compares in constant time, so a near miss takes as long as a far one.
 */
export async function verifySlackRequest(
  signingSecret: string,
  headers: SlackRequestHeaders,
  rawBody: string,
  nowMs: number,
): Promise<VerifyFailure | undefined> {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature) return 'missing-headers';
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds) || Math.abs(nowMs / 1000 - seconds) > MAX_SKEW_SECONDS) return 'stale-timestamp';
  if (!signature.startsWith('v0=')) return 'bad-signature';
  const expected = hexToBytes(signature.slice(3));
  if (expected?.length !== 32) return 'bad-signature';
  const valid = await crypto.subtle.verify(
    'HMAC',
    await hmacKey(signingSecret),
    expected,
    encoder.encode(`v0:${timestamp}:${rawBody}`),
  );
  return valid ? undefined : 'bad-signature';
}
