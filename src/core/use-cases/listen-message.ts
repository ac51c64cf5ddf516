/**
 * Listening: a message another tool (an incoming webhook, a Slack app) posts in a listened channel is read
 * like an alert, and when apierr recognizes an API error in it with enough confidence, the same explanation
 * it posts under its own alerts is queued for that message's thread. The store decides, in one unit, whether
 * the message is new, a retry, a re-post or the alert's resolved message; the outbox posts (paced, retried,
 * never twice).
 * @module
 */
import { LISTEN_KEY_PREFIX } from '../listen/listened.js';
import { readMessage } from '../listen/message-text.js';
import type { ReceiptOutcome } from '../ports.js';
import { kindKeysOf } from './correct-match.js';
import { DEFAULT_STORM } from './deliver.js';
import type { CoreServices } from './services.js';

/** A Slack `message` event as the Events API (or Socket Mode) delivers it. */
export interface MessageEvent {
  type: 'message';
  subtype?: string;
  channel?: string;
  ts?: string;
  thread_ts?: string;
  user?: string;
  bot_id?: string;
  app_id?: string;
  username?: string;
  bot_profile?: { name?: string; app_id?: string };
  text?: string;
  attachments?: unknown;
  blocks?: unknown;
}

export interface MessageEnvelope {
  team_id?: string;
  api_app_id?: string;
  event: MessageEvent;
}

export type ListenOutcome =
  | { kind: 'queued'; outcome: ReceiptOutcome; entryId: string | undefined }
  | { kind: 'ignored'; reason: ListenIgnoreReason };

export type ListenIgnoreReason =
  | 'not-listening'
  | 'not-a-listened-channel'
  | 'edit-or-other-subtype'
  | 'thread-reply'
  | 'own-message'
  | 'from-a-person'
  | 'no-text'
  | 'no-confident-match'
  | 'duplicate';

/** Message subtypes that are a new message someone or something posted; edits, deletes, joins are not. */
const NEW_MESSAGE_SUBTYPES = new Set([undefined, 'bot_message', 'file_share']);

export async function listenToMessage(
  services: CoreServices,
  envelope: MessageEnvelope,
  botUserId: string | undefined,
): Promise<ListenOutcome> {
  const listen = services.listen;
  const { event } = envelope;
  if (!listen || (listen.channels !== '*' && listen.channels.length === 0))
    return { kind: 'ignored', reason: 'not-listening' };
  const channel = event.channel;
  if (!channel || (listen.channels !== '*' && !listen.channels.includes(channel)))
    return { kind: 'ignored', reason: 'not-a-listened-channel' };
  if (!NEW_MESSAGE_SUBTYPES.has(event.subtype)) return { kind: 'ignored', reason: 'edit-or-other-subtype' };
  if (!event.ts || (event.thread_ts !== undefined && event.thread_ts !== event.ts))
    return { kind: 'ignored', reason: 'thread-reply' };
  const ownApp = envelope.api_app_id;
  if (
    (botUserId !== undefined && event.user === botUserId) ||
    (ownApp !== undefined && (event.app_id === ownApp || event.bot_profile?.app_id === ownApp))
  )
    return { kind: 'ignored', reason: 'own-message' };
  const fromApp = event.bot_id !== undefined || event.subtype === 'bot_message';
  if (!fromApp && !listen.people) return { kind: 'ignored', reason: 'from-a-person' };
  const teamId = envelope.team_id;
  const read = readMessage(event);
  if (!read || !teamId) return { kind: 'ignored', reason: 'no-text' };

  // The same text the outbox will match when it renders the explanation, so both agree on the entry.
  const best = services.matcher.match(`${read.title}\n${read.description}`).matches[0];
  const sender = event.bot_id ?? event.user ?? 'unknown';
  const tool = event.bot_profile?.name ?? event.username ?? sender;
  const source = `slack:${tool}`.slice(0, 80);
  // A kind of alert the team corrected is answered whatever the matcher thinks of it.
  const unsure = !best || best.confidence < listen.minConfidence;
  if (
    read.status === 'firing' &&
    unsure &&
    !(await services.store.matchOverride(teamId, kindKeysOf({ source, title: read.title, labels: {} })))
  ) {
    services.logger.debug({ channel, ts: event.ts, best }, 'listened message not recognized with confidence');
    return { kind: 'ignored', reason: 'no-confident-match' };
  }
  const outcome = await services.store.receiveListened(
    {
      dedupKey: `${LISTEN_KEY_PREFIX}${teamId}:${channel}:${sender}:${read.key}`,
      source,
      status: read.status,
      title: read.title || 'Alert',
      description: read.description,
      teamId,
      channel,
      ts: event.ts,
      now: services.clock.now(),
    },
    (services.storm ?? DEFAULT_STORM).windowMs,
  );
  if (outcome === 'duplicate') return { kind: 'ignored', reason: 'duplicate' };
  return { kind: 'queued', outcome, entryId: best?.id };
}
