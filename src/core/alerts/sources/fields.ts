/**
 * Small field conversions shared by the source parsers: picking a label, reading an explicit
 * HTTP status code, joining text, turning epoch numbers into ISO 8601.
 * @module
 */
import { z } from 'zod';

/**
 * Label keys that name the service, in the order they are tried: an explicit `service` label
 * first; then Prometheus' scrape `job`, which is usually named after the service; then the
 * common Kubernetes app labels; `namespace` last because it often groups several services.
 */
export const SERVICE_LABELS = ['service', 'job', 'app', 'application', 'namespace'] as const;

/** Label keys that may carry an HTTP status code, most explicit first. */
export const STATUS_CODE_LABELS = ['status_code', 'code', 'http_status', 'status'] as const;

/** The trimmed string, or `undefined` when it is missing or blank. */
export function nonEmpty(value: string | null | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** The first of `keys` that has a non-blank value in `labels`. */
export function firstLabel(labels: Readonly<Record<string, string>>, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = Object.hasOwn(labels, key) ? nonEmpty(labels[key]) : undefined;
    if (value) return value;
  }
  return undefined;
}

/** An HTTP status code if `value` is exactly an integer in 100-599 ("5xx" or "503.0" are not). */
export function parseStatusCode(value: string | number | null | undefined): number | undefined {
  const text = typeof value === 'number' ? String(value) : value?.trim();
  return text && /^[1-5]\d\d$/.test(text) ? Number(text) : undefined;
}

/**
 * The first of `keys` whose value is a valid status code. Later keys are still tried when an
 * earlier one holds something else (a `code` label of "5xx" or a `status` label of "error").
 */
export function statusCodeFrom(
  labels: Readonly<Record<string, string>>,
  keys: readonly string[] = STATUS_CODE_LABELS,
): number | undefined {
  for (const key of keys) {
    const code = Object.hasOwn(labels, key) ? parseStatusCode(labels[key]) : undefined;
    if (code !== undefined) return code;
  }
  return undefined;
}

/** Non-blank parts, trimmed, without repeats, one per line: what the matcher reads. */
export function joinText(parts: ReadonlyArray<string | null | undefined>): string {
  const seen = new Set<string>();
  for (const part of parts) {
    const text = nonEmpty(part);
    if (text) seen.add(text);
  }
  return [...seen].join('\n');
}

/** Largest magnitude `Date` accepts; beyond it `toISOString()` throws. */
const MAX_EPOCH_MS = 8.64e15;

/**
 * ISO 8601 for an epoch timestamp whose unit is guessed from its size: senders disagree
 * (Datadog sends milliseconds, Opsgenie milliseconds and nanoseconds in the same body).
 * Today is about 1.7e9 s, 1.7e12 ms, 1.7e15 µs, 1.7e18 ns.
 */
export function isoFromEpoch(value: number | string | null | undefined): string | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) return undefined;
  const ms = n < 1e11 ? n * 1e3 : n < 1e14 ? n : n < 1e17 ? n / 1e3 : n / 1e6;
  return ms <= MAX_EPOCH_MS ? new Date(ms).toISOString() : undefined;
}

/**
 * ISO 8601 for a date-time string in any format `Date` understands, including the
 * `+0000` offsets (no colon) that CloudWatch sends; `undefined` when it is not a date.
 */
export function isoFromText(value: string | null | undefined): string | undefined {
  const text = nonEmpty(value)?.replace(/([+-]\d\d)(\d\d)$/, '$1:$2');
  if (!text) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** An identifier some senders write as a string and others as a number; always a string after parsing. */
export const idSchema = z
  .union([z.string().trim().min(1), z.number().int()], { error: 'must be a non-empty string or an integer' })
  .transform(String);

/** Copies `pairs` into a fresh record, skipping empty keys and missing values. */
export function recordOf(pairs: Iterable<readonly [string, string | null | undefined]>): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [key, value] of pairs) {
    if (key === '' || value == null) continue;
    // defineProperty, not assignment: a label named "__proto__" must stay an ordinary label.
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return record;
}

/**
 * An optional field apierr only reads to enrich an alert (a priority, a description, a timestamp): a
 * string as sent, a number or boolean as its text, anything else (an object where a string was expected)
 * as absent. Senders differ beyond the fields apierr needs (Opsgenie's `priority` is "P3" or 3), and
 * refusing the whole alert for one of them would lose it.
 */
export const looseText = z
  .unknown()
  .transform((value) =>
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : undefined,
  )
  .optional();

/** Like {@link looseText}, for an optional epoch number that some senders quote. */
export const looseNumber = z
  .unknown()
  .transform((value) =>
    typeof value === 'number' && Number.isFinite(value)
      ? value
      : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())
        ? Number(value)
        : undefined,
  )
  .optional();
