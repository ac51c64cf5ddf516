/**
 * Alertmanager v4 deliveries for the ingest benchmark, built from the real fixture
 * (test/fixtures/webhooks/alertmanager-firing.json): two alerts per delivery, each with its own
 * fingerprint and startsAt (so its own dedup key), pod and error text, about 2 KB of compact JSON.
 *
 * The sequence alternates a new delivery with a redelivery: an exact byte-for-byte repeat of a delivery
 * sent a little earlier (between 100 and 2,000 positions back, so usually stored already while 50
 * connections are in flight), which is what Alertmanager and retrying senders do in an alert storm.
 * @module
 */
import { readFileSync } from 'node:fs';

const FIXTURE = new URL('../../test/fixtures/webhooks/alertmanager-firing.json', import.meta.url);

/** Error texts of the kind the `summary` and `description` annotations carry; some with a status_code label. */
const TEXTS = [
  {
    summary: 'checkout-api 5xx ratio above 5% on {pod}',
    description: '5xx ratio is 7.3% (threshold 5%) over the last 5m.',
  },
  {
    summary: 'checkout-api upstream errors on {pod}',
    description: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
    code: '503',
  },
  {
    summary: 'payments provider rate limiting {pod}',
    description: '429 Too Many Requests from api.payments.example; Retry-After: 30 seconds',
    code: '429',
  },
  {
    summary: 'auth failures on {pod}',
    description: 'JWT verification failed: jwt expired at 2025-06-10T09:40:00Z (exp claim in the past)',
    code: '401',
  },
  {
    summary: 'gateway timeouts on {pod}',
    description: 'upstream request timeout after 15000ms: 504 Gateway Timeout from the ingress',
    code: '504',
  },
  {
    summary: 'DNS lookups failing on {pod}',
    description: 'getaddrinfo ENOTFOUND ledger.internal.example while calling the ledger service',
  },
  {
    summary: 'request bodies rejected on {pod}',
    description: 'SyntaxError: Unexpected token < in JSON at position 0 while parsing the partner callback',
    code: '400',
  },
  {
    summary: 'TLS handshakes failing on {pod}',
    description: 'x509: certificate has expired or is not yet valid when dialing fraud-score.example:443',
  },
];

const BASE_START = Date.parse('2025-06-10T09:41:30.512Z');

function hex16(n) {
  // A stable, well-spread 64-bit-looking fingerprint from a counter (two 32-bit mixes).
  const mix = (x) => {
    let h = x >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
    return (h ^ (h >>> 16)) >>> 0;
  };
  return (
    mix(n * 2 + 1)
      .toString(16)
      .padStart(8, '0') +
    mix(n * 2 + 2 + 0x9e3779b9)
      .toString(16)
      .padStart(8, '0')
  );
}

/**
 * Unique delivery number `n` (the prefix keeps warm-up bodies apart from measured ones) as a Buffer.
 * @param {number} n
 * @param {string} prefix
 */
export function delivery(n, prefix = 'm') {
  const values = {};
  for (let i = 0; i < 2; i++) {
    const k = n * 2 + i;
    const text = TEXTS[k % TEXTS.length];
    const pod = `checkout-api-${hex16(k).slice(0, 9)}-${prefix}${(k % 100000).toString(36)}`;
    values[`FP${i}`] = hex16(k + (prefix === 'm' ? 0 : 1 << 30));
    values[`START${i}`] = new Date(BASE_START + k * 1000).toISOString();
    values[`POD${i}`] = pod;
    // Deliveries whose text has a status code carry Alertmanager's status_code label; others a team label.
    values[`LABEL${i}`] = text.code ? 'status_code' : 'team';
    values[`LABELVALUE${i}`] = text.code ?? 'payments-sre';
    values[`SUMMARY${i}`] = JSON.stringify(text.summary.replace('{pod}', pod)).slice(1, -1);
    values[`DESCRIPTION${i}`] = JSON.stringify(text.description).slice(1, -1);
  }
  const parts = templateParts();
  let json = '';
  for (let i = 0; i < parts.length; i++) json += i % 2 === 0 ? parts[i] : values[parts[i]];
  return Buffer.from(json);
}

let parts;
/** The fixture as compact JSON split at @@NAME@@ placeholders (odd positions) where each delivery differs. */
function templateParts() {
  if (parts) return parts;
  const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8'));
  fixture.alerts.forEach((alert, i) => {
    alert.fingerprint = `@@FP${i}@@`;
    alert.startsAt = `@@START${i}@@`;
    alert.labels.pod = `@@POD${i}@@`;
    alert.labels[`@@LABEL${i}@@`] = `@@LABELVALUE${i}@@`;
    alert.annotations.summary = `@@SUMMARY${i}@@`;
    alert.annotations.description = `@@DESCRIPTION${i}@@`;
  });
  fixture.commonAnnotations.description = '@@DESCRIPTION0@@';
  parts = JSON.stringify(fixture).split(/@@(\w+)@@/);
  return parts;
}

/**
 * `length` request bodies: even positions new deliveries, odd positions exact repeats of earlier ones.
 * @param {number} length
 * @param {string} prefix
 * @returns {{ bodies: Buffer[], unique: number, meanBytes: number }}
 */
export function deliverySequence(length, prefix = 'm') {
  const fresh = [];
  const bodies = new Array(length);
  let seed = 12345;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  let bytes = 0;
  for (let i = 0; i < length; i++) {
    if (i % 2 === 0) {
      const body = delivery(fresh.length, prefix);
      fresh.push(body);
      bodies[i] = body;
      bytes += body.length;
    } else {
      const newest = fresh.length - 1;
      const back = 50 + Math.floor(random() * 950); // 50..999 deliveries back = 100..2,000 requests back
      bodies[i] = fresh[Math.max(0, newest - back)];
    }
  }
  return { bodies, unique: fresh.length, meanBytes: Math.round(bytes / fresh.length) };
}
