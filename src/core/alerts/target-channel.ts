/**
 * Which Slack channel a webhook's alerts go to: one apierr serves several teams, so a sender may name its
 * team's channel (`?channel=C0123456789` on the webhook URL, or a `channel` field in the generic shape),
 * within `SLACK_ALLOWED_CHANNELS` when that is set; otherwise the alerts go to `SLACK_ALERT_CHANNEL`.
 * @module
 */
import { CHANNEL_ID } from '../config.js';

export type ChannelChoice =
  | { ok: true; channel: string | undefined }
  | { ok: false; field: string; pointer?: string; detail: string };

/**
 * The channel the sender named, checked: `query` is the `channel` query parameter, `body` the parsed JSON
 * (its top-level `channel` field counts for the generic source; in a batch, the first element's).
 */
export function chooseChannel(
  source: string,
  query: string | undefined,
  body: unknown,
  allowed: readonly string[] | undefined,
): ChannelChoice {
  const fromBody = source === 'generic' ? bodyChannel(body) : undefined;
  if (fromBody !== undefined && typeof fromBody !== 'string')
    return { ok: false, field: 'channel', pointer: fromBody.pointer, detail: 'must be a Slack channel id string' };
  const named = query ?? fromBody;
  const field = 'channel';
  // A query parameter has no JSON pointer; a body field does.
  const pointer = query !== undefined ? undefined : Array.isArray(body) ? '/0/channel' : '/channel';
  if (named === undefined || named === '') return { ok: true, channel: undefined };
  if (!CHANNEL_ID.test(named))
    return {
      ok: false,
      field,
      ...(pointer ? { pointer } : {}),
      detail: `"${named.slice(0, 40)}" is not a Slack channel id such as C0123456789 (the channel's id, not its name).`,
    };
  if (allowed && !allowed.includes(named))
    return {
      ok: false,
      field,
      ...(pointer ? { pointer } : {}),
      detail: `Channel ${named} is not one senders may name here (SLACK_ALLOWED_CHANNELS).`,
    };
  return { ok: true, channel: named };
}

function bodyChannel(body: unknown): string | { pointer: string } | undefined {
  const first = Array.isArray(body) ? body[0] : body;
  if (first === null || typeof first !== 'object') return undefined;
  const value = (first as Record<string, unknown>).channel;
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value.trim() : { pointer: Array.isArray(body) ? '/0/channel' : '/channel' };
}
