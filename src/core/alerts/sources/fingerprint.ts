/**
 * Alert fingerprints the way Prometheus computes them, for senders that leave `fingerprint` out.
 * @module
 */

const FNV64_OFFSET = 14695981039346656037n;
const FNV64_PRIME = 1099511628211n;
/** 0xff never occurs in UTF-8, so it cannot be confused with a byte of a name or a value. */
const SEPARATOR = 0xff;

const utf8 = new TextEncoder();

/**
 * The 16-hex-digit fingerprint of a label set: 64-bit FNV-1a over the names sorted bytewise,
 * each name and value followed by 0xff. This is prometheus/common's `LabelSet.Fingerprint()`,
 * so an alert without a fingerprint gets the one Alertmanager itself would have sent, and
 * the firing and resolved notifications of the same label set get the same one.
 * @example labelsFingerprint({ alertname: 'HighErrorRate', service: 'checkout-api' })
 */
export function labelsFingerprint(labels: Readonly<Record<string, string>>): string {
  const entries = Object.entries(labels).map(([name, value]) => [utf8.encode(name), utf8.encode(value)] as const);
  // Go sorts label names as byte strings; JavaScript's default sort compares UTF-16 units instead.
  entries.sort(([a], [b]) => compareBytes(a, b));
  let hash = FNV64_OFFSET;
  const add = (byte: number): void => {
    hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * FNV64_PRIME);
  };
  for (const [name, value] of entries) {
    for (const byte of name) add(byte);
    add(SEPARATOR);
    for (const byte of value) add(byte);
    add(SEPARATOR);
  }
  return hash.toString(16).padStart(16, '0');
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}
