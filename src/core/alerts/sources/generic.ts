/**
 * The generic webhook: apierr's own documented shape, for anything that can POST JSON.
 *
 * ```ts
 * {
 *   id?: string | integer,             // else the Idempotency-Key header, else webhook-id
 *   title: string,
 *   message?: string,
 *   status_code?: number,              // integer 100-599
 *   service?: string,
 *   severity?: string,
 *   status?: 'firing' | 'resolved',    // default 'firing'
 *   url?: string,                      // http(s)
 *   labels?: Record<string, string>,
 * }
 * ```
 *
 * The body is one such object or a JSON array of them (a batch). Optional fields may be `null`.
 * @module
 */
import { z } from 'zod';
import type { Alert, SourceParser } from '../alert.js';
import { idSchema, nonEmpty, recordOf } from './fields.js';
import { type Invalid, invalid, toJsonPointer, validate } from './validate.js';

const optionalText = z.string().nullish();

const genericAlert = z.object({
  // Integers too: a numeric id is unambiguous, and rejecting it would only annoy the sender.
  id: idSchema.nullish(),
  title: z.string().trim().min(1, 'must not be empty'),
  message: optionalText,
  status_code: z
    .int({ error: 'must be an integer HTTP status code' })
    .min(100, 'must be an HTTP status code (100-599)')
    .max(599, 'must be an HTTP status code (100-599)')
    .nullish(),
  service: optionalText,
  severity: optionalText,
  status: z.enum(['firing', 'resolved']).nullish(),
  // Checked here because Slack rejects a whole message whose link button has a malformed URL.
  url: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).nullish(),
  labels: z.record(z.string(), z.string()).nullish(),
});

type GenericAlert = z.output<typeof genericAlert>;

const MISSING_ID =
  'is required: send an "id" that stays the same when the alert is re-sent, or an Idempotency-Key (or webhook-id) header';

/**
 * Dedup key `generic:<id>`. The id comes from the body's `id`, else from the `Idempotency-Key`
 * header, else from the Standard Webhooks `webhook-id` header. In a batch each element needs its
 * own id: a header key `K` gives element `i` the id `K:i`, and an element's own `id` wins.
 */
export const parseGeneric: SourceParser = (body, context) => {
  const headerId = nonEmpty(context.headers['idempotency-key']) ?? nonEmpty(context.headers['webhook-id']);
  if (!Array.isArray(body)) {
    const one = parseOne(body, [], headerId);
    return one.ok ? { ok: true, alerts: [one.alert] } : one;
  }
  const alerts: Alert[] = [];
  for (const [index, element] of body.entries()) {
    const one = parseOne(element, [index], headerId === undefined ? undefined : `${headerId}:${index}`);
    if (!one.ok) return one;
    alerts.push(one.alert);
  }
  return { ok: true, alerts };
};

function parseOne(
  input: unknown,
  at: readonly number[],
  fallbackId: string | undefined,
): { ok: true; alert: Alert } | Invalid {
  const parsed = validate(genericAlert, input, at);
  if (!parsed.ok) return parsed;
  const id = nonEmpty(parsed.value.id) ?? fallbackId;
  if (id === undefined) return invalid(toJsonPointer([...at, 'id']), MISSING_ID);
  return { ok: true, alert: toAlert(parsed.value, id) };
}

function toAlert(item: GenericAlert, id: string): Alert {
  return {
    source: 'generic',
    dedupKey: `generic:${id}`,
    status: item.status ?? 'firing',
    title: item.title.trim(),
    description: item.message?.trim() ?? '',
    service: nonEmpty(item.service),
    severity: nonEmpty(item.severity),
    statusCode: item.status_code ?? undefined,
    url: item.url ?? undefined,
    labels: recordOf(Object.entries(item.labels ?? {})),
  };
}
