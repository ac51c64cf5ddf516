/**
 * Amazon SNS message signatures (FORMATS.md 1.7), which is how CloudWatch alarms arrive: SNS signs a
 * canonical string of the message's fields with RSA, SHA1withRSA for `SignatureVersion` 1 and
 * SHA256withRSA for 2, and says where its certificate is (`SigningCertURL`). The certificate is fetched
 * only from `https://sns.<region>.amazonaws.com/...pem` (or `.amazonaws.com.cn`), through a port, and its
 * key is cached; the check itself is Web Crypto, so it runs on Node and Workers alike.
 *
 * The URL pattern is the trust anchor, as in AWS's own SDK validators: anyone can publish to an SNS topic
 * they own, so `SNS_TOPIC_ARNS` narrows what is accepted to the operator's topics.
 * @module
 * @example
 * const result = await verifySnsMessage({ kind: 'sns', topics: [] }, body, clock.now(), snsPort);
 * if (!result.ok) return unauthorized(result.failure);
 */
import { type Bytes, base64ToBytes } from './hmac.js';
import type { SignatureFailure } from './signature.js';

/** Web Crypto's key type, named without the DOM lib (core is typed for Node and Workers alike). */
type CryptoKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

export interface SnsScheme {
  kind: 'sns';
  /** Topic ARNs accepted (`SNS_TOPIC_ARNS`); empty = any topic whose message SNS signed. */
  topics: readonly string[];
}

/** What apierr needs from the network for SNS: certificates, and the confirmation of a subscription. */
export interface SnsPort {
  /** The PEM (certificate or public key) at a `SigningCertURL` that {@link snsCertificateUrl} accepted. */
  fetchCertificate(url: string): Promise<string>;
  /** GETs a `SubscribeURL` that `snsSubscribeUrl` accepted, which confirms the subscription. */
  confirmSubscription(url: string): Promise<void>;
}

export interface SnsMessage {
  Type: string;
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  Subject?: string;
  SubscribeURL?: string;
  Token?: string;
}

export type SnsVerification = { ok: true; message: SnsMessage } | { ok: false; failure: SignatureFailure };

/**
 * How old a signed message may be. SNS keeps the first attempt's `Timestamp` on its retries, and its
 * delivery policies retry for at most an hour; older is a replay.
 */
export const SNS_MAX_AGE_MS = 60 * 60 * 1000;
/** How far in the future a `Timestamp` may be: clock skew, as for the other signatures. */
const SNS_MAX_SKEW_MS = 5 * 60 * 1000;

const SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

/** The certificate URL if it is https on an SNS host, ends in `.pem`, with no port, user or query; else undefined. */
export function snsCertificateUrl(raw: string): string | undefined {
  if (!URL.canParse(raw)) return undefined;
  const url = new URL(raw);
  const ok =
    url.protocol === 'https:' &&
    SNS_HOST.test(url.hostname) &&
    url.port === '' &&
    url.username === '' &&
    url.password === '' &&
    url.search === '' &&
    url.pathname.endsWith('.pem');
  return ok ? url.href : undefined;
}

const SIGNED_FIELDS = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
} as const;

/**
 * The string SNS signs: `<name>\n<value>\n` for each signed field present, in this order (`Subject` only
 * when the message has one).
 */
export function snsStringToSign(message: Readonly<Record<string, unknown>>): string | undefined {
  const fields = SIGNED_FIELDS[message.Type as keyof typeof SIGNED_FIELDS];
  if (!fields) return undefined;
  let text = '';
  for (const name of fields) {
    const value = message[name];
    if ((value === undefined || value === null) && name === 'Subject') continue;
    if (typeof value !== 'string') return undefined;
    text += `${name}\n${value}\n`;
  }
  return text;
}

const fail = (
  header: string,
  detail: string,
  reason: SignatureFailure['reason'] = 'bad-signature',
): SnsVerification => ({
  ok: false,
  failure: { reason, header, detail },
});

const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function verifySnsMessage(
  scheme: SnsScheme,
  body: Bytes,
  nowMs: number,
  port: SnsPort,
): Promise<SnsVerification> {
  let message: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(utf8.decode(body));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new TypeError('not an object');
    message = parsed as Record<string, unknown>;
  } catch {
    return fail(
      'Signature',
      'The body is not an SNS message (a JSON object), so it carries no signature.',
      'missing-header',
    );
  }
  const signature = typeof message.Signature === 'string' ? base64ToBytes(message.Signature) : undefined;
  if (!signature) return fail('Signature', 'Signature is missing or not base64.', 'missing-header');
  const version = message.SignatureVersion;
  if (version !== '1' && version !== '2') {
    return fail('SignatureVersion', 'Send an SNS message with SignatureVersion 1 or 2.', 'malformed-header');
  }
  const certUrl = typeof message.SigningCertURL === 'string' ? snsCertificateUrl(message.SigningCertURL) : undefined;
  if (!certUrl) {
    return fail(
      'SigningCertURL',
      'SigningCertURL must be an https://sns.<region>.amazonaws.com/....pem address.',
      'malformed-header',
    );
  }
  const canonical = snsStringToSign(message);
  if (canonical === undefined) {
    return fail(
      'Type',
      'The message lacks a field SNS signs (Type, Message, MessageId, Timestamp, TopicArn).',
      'malformed-header',
    );
  }
  const sentAt = typeof message.Timestamp === 'string' ? Date.parse(message.Timestamp) : Number.NaN;
  if (!Number.isFinite(sentAt) || nowMs - sentAt > SNS_MAX_AGE_MS || sentAt - nowMs > SNS_MAX_SKEW_MS) {
    return fail(
      'Timestamp',
      'Timestamp is more than an hour old or in the future: a replay, or a clock to fix.',
      'stale-timestamp',
    );
  }
  let key: CryptoKey;
  try {
    key = await certificateKey(port, certUrl, version === '1' ? 'SHA-1' : 'SHA-256');
  } catch {
    return fail('SigningCertURL', 'The certificate at SigningCertURL could not be fetched or read.');
  }
  const valid = await crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, signature, new TextEncoder().encode(canonical));
  if (!valid) return fail('Signature', 'Signature does not match the message and the certificate at SigningCertURL.');
  const topic = message.TopicArn as string;
  if (scheme.topics.length > 0 && !scheme.topics.includes(topic)) {
    return fail('TopicArn', `Messages from ${topic} are not accepted: it is not in SNS_TOPIC_ARNS.`);
  }
  return { ok: true, message: message as unknown as SnsMessage };
}

// ---------------------------------------------------------------------------------------------------------
// Keys: fetched once per certificate URL and hash (per port, so tests with their own certificates never
// share a cache), bounded, and forgotten when the fetch fails so the next message tries again.

type Hash = 'SHA-1' | 'SHA-256';
const MAX_CACHED = 32;
const caches = new WeakMap<SnsPort, Map<string, Promise<CryptoKey>>>();

function certificateKey(port: SnsPort, url: string, hash: Hash): Promise<CryptoKey> {
  let cache = caches.get(port);
  if (!cache) {
    cache = new Map();
    caches.set(port, cache);
  }
  const id = `${hash} ${url}`;
  let key = cache.get(id);
  if (!key) {
    if (cache.size >= MAX_CACHED) cache.clear();
    key = port.fetchCertificate(url).then((pem) => importRsaKey(pem, hash));
    const forget = (cacheOf: Map<string, Promise<CryptoKey>>) => () => {
      if (cacheOf.get(id) === key) cacheOf.delete(id);
    };
    key.catch(forget(cache));
    cache.set(id, key);
  }
  return key;
}

/** An RSA verification key from a PEM certificate (its SubjectPublicKeyInfo) or a PEM public key. */
export async function importRsaKey(pem: string, hash: Hash): Promise<CryptoKey> {
  const block = /-----BEGIN ([A-Z ]+)-----([\s\S]+?)-----END \1-----/.exec(pem);
  if (!block) throw new Error('not a PEM');
  const der = base64ToBytes((block[2] as string).replace(/\s+/g, ''));
  if (!der) throw new Error('PEM is not base64');
  const spki = block[1] === 'CERTIFICATE' ? certificatePublicKey(der) : block[1] === 'PUBLIC KEY' ? der : undefined;
  if (!spki) throw new Error(`cannot read a ${block[1]}`);
  return crypto.subtle.importKey('spki', spki, { name: 'RSASSA-PKCS1-v1_5', hash }, false, ['verify']);
}

interface Tlv {
  tag: number;
  /** Offset of the whole element (tag included). */
  start: number;
  /** Offset of its contents. */
  contents: number;
  end: number;
}

function readTlv(der: Bytes, at: number, limit: number): Tlv | undefined {
  if (at + 2 > limit) return undefined;
  const tag = der[at] as number;
  let length = der[at + 1] as number;
  let contents = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || contents + bytes > limit) return undefined;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + (der[contents + i] as number);
    contents += bytes;
  }
  const end = contents + length;
  return end <= limit ? { tag, start: at, contents, end } : undefined;
}

function children(der: Bytes, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.contents; at < parent.end; ) {
    const child = readTlv(der, at, parent.end);
    if (!child) return [];
    out.push(child);
    at = child.end;
  }
  return out;
}

/** The DER SubjectPublicKeyInfo of an X.509 certificate: the 7th field of tbsCertificate (6th without a version). */
export function certificatePublicKey(der: Bytes): Bytes | undefined {
  const certificate = readTlv(der, 0, der.length);
  if (certificate?.tag !== 0x30) return undefined;
  const tbs = children(der, certificate)[0];
  if (tbs?.tag !== 0x30) return undefined;
  const fields = children(der, tbs);
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
  const spki = fields[offset + 5];
  return spki && spki.tag === 0x30 ? der.slice(spki.start, spki.end) : undefined;
}
