/**
 * HMAC-SHA256 with Web Crypto, shared by every signature check (Slack, Grafana, Standard Webhooks), so they
 * all run on Node and Workers and all compare in constant time: `crypto.subtle.verify` does the comparison,
 * never `===` on strings.
 * @module
 * @example
 * const key = await hmacKey(encodeUtf8('secret'));
 * const ok = await verifyHmac(key, hexToBytes(signatureHex) ?? new Uint8Array(), encodeUtf8(body));
 */

export type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
export type Bytes = Uint8Array<ArrayBuffer>;

const encoder = new TextEncoder();

export function encodeUtf8(text: string): Bytes {
  return encoder.encode(text);
}

/** The bytes of all parts, in order: a signed prefix (`"<ts>:"`) then the raw body, without decoding it. */
export function concatBytes(...parts: readonly Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Lower- or upper-case hex to bytes; undefined for anything else (odd length, other characters). */
export function hexToBytes(hex: string): Bytes | undefined {
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** Strict standard base64 (with padding) to bytes; undefined for anything that is not exactly that. */
export function base64ToBytes(text: string): Bytes | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  try {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return undefined;
  }
}

// Keys are imported once per secret: there are only a handful (one per configured secret), and importing
// on every request would cost more than the HMAC itself.
const keyCache = new Map<string, Promise<HmacKey>>();
const MAX_CACHED_KEYS = 32;

export function hmacKey(secret: Uint8Array): Promise<HmacKey> {
  const cacheKey = Array.from(secret, (b) => b.toString(16).padStart(2, '0')).join('');
  let key = keyCache.get(cacheKey);
  if (!key) {
    if (keyCache.size >= MAX_CACHED_KEYS) keyCache.clear();
    key = crypto.subtle.importKey('raw', new Uint8Array(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    keyCache.set(cacheKey, key);
  }
  return key;
}

/** True when `signature` is the HMAC-SHA256 of `message`; constant time in how much of it is right. */
export async function verifyHmac(key: HmacKey, signature: Bytes, message: Bytes): Promise<boolean> {
  // A SHA-256 MAC is 32 bytes: anything else cannot match, and its length is not a secret.
  if (signature.length !== 32) return false;
  return crypto.subtle.verify('HMAC', key, signature, message);
}

/** Unix seconds as sent in signature timestamp headers: digits only, no sign, no fraction. */
export function parseUnixSeconds(value: string): number | undefined {
  return /^\d{1,12}$/.test(value) ? Number(value) : undefined;
}
