/**
 * Turns a request to the fake Slack into plain args, whichever way the client encoded them.
 *
 * WebClient sends `application/x-www-form-urlencoded` and JSON-stringifies every non-scalar arg, so
 * `blocks` arrives as a string; other clients (fetch, axios for response_url) send JSON. Tests assert on
 * the same shape either way, so form values are decoded back to what the caller passed in.
 * @module
 */

/** Args the Web API takes as JSON inside a form field. Only these are parsed: a `text` that happens to
 * look like JSON must stay a string. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'metadata', 'unfurls', 'view', 'user_auth_blocks']);

/** Boolean args; a form can only carry them as the strings `true`/`false`. */
const BOOLEAN_FIELDS = new Set([
  'as_user',
  'delete_original',
  'link_names',
  'mrkdwn',
  'replace_original',
  'reply_broadcast',
  'unfurl_links',
  'unfurl_media',
]);

export interface ParsedBody {
  args: Record<string, unknown>;
  /** The token from `Authorization: Bearer …`, else from a legacy `token` arg (removed from `args`). */
  token: string | undefined;
}

export function parseBody(
  rawBody: string,
  contentType: string | undefined,
  authorization: string | undefined,
  query: URLSearchParams,
): ParsedBody {
  const args: Record<string, unknown> = {};
  // Slack also accepts args in the query string; body args win, as they are what clients normally send.
  for (const [key, value] of query) args[key] = decodeFormValue(key, value);
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') {
    Object.assign(args, parseJsonObject(rawBody));
  } else if (rawBody.length > 0) {
    for (const [key, value] of new URLSearchParams(rawBody)) args[key] = decodeFormValue(key, value);
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  const bodyToken = typeof args.token === 'string' ? args.token : undefined;
  delete args.token;
  return { args, token: bearer ?? bodyToken };
}

function decodeFormValue(key: string, value: string): unknown {
  if (BOOLEAN_FIELDS.has(key) && (value === 'true' || value === 'false')) return value === 'true';
  if (!JSON_FIELDS.has(key)) return value;
  try {
    return JSON.parse(value);
  } catch {
    // Left as a string so the method handler can answer invalid_blocks_format, as Slack does.
    return value;
  }
}

function parseJsonObject(rawBody: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(rawBody);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // Fall through: a malformed JSON body reaches the handler as no args, so it fails like a missing arg.
  }
  return {};
}
