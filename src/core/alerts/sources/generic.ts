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
 * Dedup key `generic:<id>` for the body's own `id`. Without one, the id comes from a header, in a namespace
 * of its own so that it can never equal a body id: `Idempotency-Key: K` (else a Standard Webhooks
 * `webhook-id: K`) gives `generic:~h:K`, the value percent-encoded so that a `:` in it cannot fake
 * a batch position. When the request is
 * signed (`signedIds`), only `webhook-id` is read: an unsigned Idempotency-Key could name anything. In a
 * batch each element needs its own id: the header id gives element `i` the id `<header id>:<i>`, and an
 * element's own `id` wins.
 */
export const parseGeneric: SourceParser = (body, context) => {
  const headerId = headerDerivedId(context.headers, context.signedIds === true);
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

/** The dedup key (without position) a header gives, or undefined. */
function headerDerivedId(headers: Readonly<Record<string, string>>, signed: boolean): string | undefined {
  const id = (signed ? undefined : nonEmpty(headers['idempotency-key'])) ?? nonEmpty(headers['webhook-id']);
  return id === undefined ? undefined : `${HEADER_NAMESPACE}${encodeURIComponent(id)}`;
}

/**
 * Where header-derived ids live. A body id that starts with `~` gets a second `~` (see {@link bodyKey}), so
 * no body id can ever land here, while every id sent before (none started with `~h:`) keeps its key.
 */
const HEADER_NAMESPACE = 'generic:~h:';

/** `generic:<id>` for a body id; `generic:~<id>` when it starts with `~`, keeping `generic:~h:` for headers. */
function bodyKey(id: string): string {
  return id.startsWith('~') ? `generic:~${id}` : `generic:${id}`;
}

function parseOne(
  input: unknown,
  at: readonly number[],
  fallbackKey: string | undefined,
): { ok: true; alert: Alert } | Invalid {
  const parsed = validate(genericAlert, input, at);
  if (!parsed.ok) return parsed;
  const bodyId = nonEmpty(parsed.value.id);
  const dedupKey = bodyId !== undefined ? bodyKey(bodyId) : fallbackKey;
  if (dedupKey === undefined) return invalid(toJsonPointer([...at, 'id']), MISSING_ID);
  return { ok: true, alert: toAlert(parsed.value, dedupKey) };
}

function toAlert(item: GenericAlert, dedupKey: string): Alert {
  return {
    source: 'generic',
    dedupKey,
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
