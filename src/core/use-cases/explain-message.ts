/**
 * "Explain with apierr" on any message (a message shortcut): the message is read as listening reads it, and
 * its explanation goes in its thread through the outbox (the same row a listened message gets, so a message
 * already explained is not explained twice, and fix reactions on the reply count). Shown only to the user,
 * with a button to post it in the thread, when the user asks for that or apierr cannot post there; a message
 * with nothing recognizable gets a short private answer with the closest guesses.
 * @module
 */
import { LISTEN_KEY_PREFIX } from '../listen/listened.js';
import { alertKey, readMessage, type SlackMessageLike } from '../listen/message-text.js';
import type { Block, SlackPayload } from '../messages/blocks.js';
import { actions, context } from '../messages/blocks.js';
import { renderExplanation } from '../messages/command-messages.js';
import { renderNoConfidentMatch } from '../messages/listen-messages.js';
import { DEFAULT_STORM } from './deliver.js';
import { explainQuery } from './explain-query.js';
import type { CoreServices } from './services.js';

export const EXPLAIN_SHORTCUT = 'apierr_explain';
export const EXPLAIN_PRIVATELY_SHORTCUT = 'apierr_explain_private';
export const POST_IN_THREAD_ACTION = 'apierr_post_in_thread';

/** Below this, an explanation is a guess: the user gets the guesses privately instead of a thread reply. */
const MIN_SHORTCUT_CONFIDENCE = 0.2;

export interface ShortcutMessage {
  teamId: string;
  userId: string;
  channel: string;
  ts: string;
  /** Who posted it: a bot id or a user id (part of the key that keeps one explanation per alert). */
  sender: string;
  message: SlackMessageLike;
}

export type ExplainMessageResult =
  /** Queued for the thread: the outbox posts it. */
  | { kind: 'queued' }
  /** Already explained in that thread. */
  | { kind: 'already'; reply: SlackPayload }
  /** Only for the user: the explanation (with "Post in thread") or the closest guesses. */
  | { kind: 'private'; reply: SlackPayload };

/** What a "Post in thread" button carries: enough to explain the message again without reading Slack. */
interface ThreadTarget {
  ts: string;
  sender: string;
  title: string;
  description: string;
}

export async function explainMessage(
  services: CoreServices,
  input: ShortcutMessage,
  mode: 'thread' | 'private',
): Promise<ExplainMessageResult> {
  const read = readMessage(input.message);
  const text = read ? `${read.title}\n${read.description}` : '';
  const matches = text ? services.matcher.match(text).matches : [];
  const best = matches[0];
  if (!read || !best || best.confidence < MIN_SHORTCUT_CONFIDENCE)
    return { kind: 'private', reply: renderNoConfidentMatch(read?.title ?? '', matches) };
  if (mode === 'private') return { kind: 'private', reply: await privateExplanation(services, input, read) };
  return queueInThread(services, input, {
    ts: input.ts,
    sender: input.sender,
    title: read.title,
    description: read.description,
  });
}

/** The "Post in thread" button under a private explanation. */
export async function postInThread(
  services: CoreServices,
  press: { teamId: string; channel: string; value: string },
): Promise<ExplainMessageResult | undefined> {
  const target = parseTarget(press.value);
  if (!target || !press.channel) return undefined;
  return queueInThread(services, { teamId: press.teamId, channel: press.channel }, target);
}

async function queueInThread(
  services: CoreServices,
  where: { teamId: string; channel: string },
  target: ThreadTarget,
): Promise<ExplainMessageResult> {
  const outcome = await services.store.receiveListened(
    {
      dedupKey: `${LISTEN_KEY_PREFIX}${where.teamId}:${where.channel}:${target.sender}:${keyOf(target.title)}`,
      source: 'slack:shortcut',
      // Asked for by a person: explained as it stands, even when the message says it is resolved.
      status: 'firing',
      title: target.title,
      description: target.description,
      teamId: where.teamId,
      channel: where.channel,
      ts: target.ts,
      now: services.clock.now(),
    },
    (services.storm ?? DEFAULT_STORM).windowMs,
  );
  if (outcome === 'new') return { kind: 'queued' };
  const text = 'apierr has already explained this alert in its thread.';
  return { kind: 'already', reply: { text, blocks: [context(text)] } };
}

/** The explanation for the user alone, with a button that posts it in the message's thread. */
export async function privateExplanation(
  services: CoreServices,
  input: Pick<ShortcutMessage, 'ts' | 'sender'>,
  read: { title: string; description: string },
  note?: string,
): Promise<SlackPayload> {
  const query = `${read.title}\n${read.description}`;
  const { explanation, fixes } = await explainQuery(services, query);
  const rendered = renderExplanation(explanation, fixes, false);
  const target: ThreadTarget = {
    ts: input.ts,
    sender: input.sender,
    title: read.title.slice(0, 300),
    description: read.description.slice(0, 1400),
  };
  const blocks: Block[] = [
    ...(note ? [context(note)] : []),
    ...rendered.blocks.slice(0, 46),
    actions('post_in_thread', [
      { text: 'Post in thread', actionId: POST_IN_THREAD_ACTION, value: buttonValue(target), style: 'primary' },
    ]),
  ];
  return { text: rendered.text, blocks };
}

/** Slack refuses a whole message whose button value is over 2,000 characters. */
const MAX_BUTTON_VALUE = 2000;

/** The target as the button's value, its description (then title) shortened until it fits Slack's limit. */
function buttonValue(target: ThreadTarget): string {
  const fitted = { ...target };
  let value = JSON.stringify(fitted);
  // JSON escaping can make a character up to six, so shorten and measure again rather than compute.
  while (value.length > MAX_BUTTON_VALUE && fitted.description.length > 0) {
    fitted.description = fitted.description.slice(0, Math.floor(fitted.description.length * 0.7));
    value = JSON.stringify(fitted);
  }
  while (value.length > MAX_BUTTON_VALUE && fitted.title.length > 0) {
    fitted.title = fitted.title.slice(0, Math.floor(fitted.title.length * 0.7));
    value = JSON.stringify(fitted);
  }
  return value;
}

function parseTarget(value: string): ThreadTarget | undefined {
  try {
    const parsed = JSON.parse(value) as Partial<ThreadTarget>;
    // The value comes back from the client: only a message ts and plain strings are accepted.
    if (typeof parsed.ts !== 'string' || !/^\d{1,12}\.\d{1,8}$/.test(parsed.ts)) return undefined;
    if (typeof parsed.sender !== 'string' || typeof parsed.title !== 'string') return undefined;
    return {
      ts: parsed.ts,
      sender: parsed.sender.slice(0, 40),
      title: parsed.title.slice(0, 300),
      description: typeof parsed.description === 'string' ? parsed.description.slice(0, 1400) : '',
    };
  } catch {
    return undefined;
  }
}

/** The title is already read from the message: keyed as listening keys it, so the two never explain one message twice. */
function keyOf(title: string): string {
  return alertKey(title);
}
