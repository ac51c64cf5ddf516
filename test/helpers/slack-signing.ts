/**
 * Builds signed Slack → app requests (FORMATS.md §2) so tests can POST exactly what Slack would:
 * the raw body as Slack encodes it, and the v0 signature headers over those bytes.
 *
 * Defaults for IDs come from shared/fixtures/slack (team T0123ABCD45, channel C07ALERTS01, user
 * U04ONCALL9Z, bot U07BOTUSER1, app A07BOT12345), so built bodies line up with the fake Slack's defaults.
 * @module
 */

import { createHmac, randomBytes } from 'node:crypto';

export interface SlackSignatureHeaders {
  'x-slack-request-timestamp': string;
  'x-slack-signature': string;
}

export interface SignSlackRequestInput {
  signingSecret: string;
  /** The exact bytes that will be sent: the signature covers the raw body, not a re-serialisation. */
  body: string | Buffer;
  /** Unix seconds. Default: now, since receivers reject timestamps more than 5 minutes off. */
  timestamp?: number | string;
}

/** `v0=hex(HMAC-SHA256(secret, "v0:" + ts + ":" + rawBody))`, as Slack signs requests. */
export function signSlackRequest({
  signingSecret,
  body,
  timestamp = Math.floor(Date.now() / 1000),
}: SignSlackRequestInput): SlackSignatureHeaders {
  const ts = String(timestamp);
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${ts}:`);
  hmac.update(body);
  return { 'x-slack-request-timestamp': ts, 'x-slack-signature': `v0=${hmac.digest('hex')}` };
}

/**
 * Form-encodes like Slack's bodies in the fixtures: spaces as `+`, everything but `A-Za-z0-9-_.~` escaped
 * (`*` too, unlike URLSearchParams), so builders reproduce fixture bytes exactly.
 */
export function formEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

function formBody(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${formEncode(key)}=${formEncode(value)}`)
    .join('&');
}

export interface SlashCommandFields {
  token: string;
  team_id: string;
  team_domain: string;
  enterprise_id?: string;
  enterprise_name?: string;
  channel_id: string;
  channel_name: string;
  user_id: string;
  user_name: string;
  command: string;
  text: string;
  api_app_id: string;
  is_enterprise_install: string;
  response_url: string;
  trigger_id: string;
}

/** Defaults are slash-command.txt's values, in its field order; `slashCommandBody()` reproduces it byte for byte. */
const SLASH_DEFAULTS: SlashCommandFields = {
  token: 'PLACEHOLDER_VERIFICATION_TOKEN',
  team_id: 'T0123ABCD45',
  team_domain: 'example-corp',
  channel_id: 'C07ALERTS01',
  channel_name: 'alerts-payments',
  user_id: 'U04ONCALL9Z',
  user_name: 'ana.oncall',
  command: '/alerts',
  text: 'ack 5f1c2a9e8b7d3c41',
  api_app_id: 'A07BOT12345',
  is_enterprise_install: 'false',
  response_url: 'https://hooks.slack.com/commands/T0123ABCD45/7284561390017/PLACEHOLDERresponseURLtoken',
  trigger_id: '7284561390033.4505123456.0f1e2d3c4b5a69788796a5b4c3d2e1f0',
};

/** A slash command's `application/x-www-form-urlencoded` body. Pass `response_url: fake.responseUrl(id)`. */
export function slashCommandBody(fields: Partial<SlashCommandFields> & Record<string, string> = {}): string {
  return formBody({ ...SLASH_DEFAULTS, ...fields });
}

/** An interactivity body (block_actions, shortcuts): one form field `payload=<URL-encoded JSON>`. */
export function interactivityBody(payload: unknown): string {
  return formBody({ payload: JSON.stringify(payload) });
}

/** Events API envelope fields; the defaults mirror reaction-added.json. */
export interface EventEnvelope {
  token: string;
  team_id: string;
  context_team_id: string;
  context_enterprise_id: string | null;
  api_app_id: string;
  type: 'event_callback';
  event_id: string;
  event_time: number;
  authorizations: {
    enterprise_id: string | null;
    team_id: string;
    user_id: string;
    is_bot: boolean;
    is_enterprise_install: boolean;
  }[];
  is_ext_shared_channel: boolean;
  event_context: string;
}

/** A fresh `Ev…` id: receivers dedupe on event_id, so two built events must never collide by accident. */
export function newEventId(): string {
  return `Ev${randomBytes(8).toString('hex').toUpperCase().slice(0, 10)}`;
}

/** An Events API `event_callback` JSON body around `event` (which gets an `event_ts` if it lacks one). */
export function eventBody(event: Record<string, unknown>, envelope: Partial<EventEnvelope> = {}): string {
  const now = Date.now();
  const teamId = envelope.team_id ?? 'T0123ABCD45';
  const full: Record<string, unknown> = {
    token: 'PLACEHOLDER_VERIFICATION_TOKEN',
    team_id: teamId,
    context_team_id: teamId,
    context_enterprise_id: null,
    api_app_id: 'A07BOT12345',
    event: { ...event, event_ts: event.event_ts ?? (now / 1000).toFixed(6) },
    type: 'event_callback',
    event_id: newEventId(),
    event_time: Math.floor(now / 1000),
    authorizations: [
      { enterprise_id: null, team_id: teamId, user_id: 'U07BOTUSER1', is_bot: true, is_enterprise_install: false },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${Buffer.from(JSON.stringify({ et: event.type, tid: teamId })).toString('base64url')}`,
    ...envelope,
  };
  return JSON.stringify(full);
}

export interface ReactionEventInput {
  reaction: string;
  channel: string;
  /** ts of the message reacted to (what chat.postMessage returned). */
  ts: string;
  type?: 'reaction_added' | 'reaction_removed';
  /** Who reacted. Default U04ONCALL9Z (a human, not the bot). */
  user?: string;
  /** Author of the message reacted to. Default the bot, U07BOTUSER1. */
  itemUser?: string;
  team?: string;
  eventId?: string;
  eventTs?: string;
}

/** A complete `reaction_added`/`reaction_removed` event_callback JSON body on a message. */
export function reactionEvent(input: ReactionEventInput): string {
  const event = {
    type: input.type ?? 'reaction_added',
    user: input.user ?? 'U04ONCALL9Z',
    reaction: input.reaction,
    item: { type: 'message', channel: input.channel, ts: input.ts },
    item_user: input.itemUser ?? 'U07BOTUSER1',
    ...(input.eventTs !== undefined && { event_ts: input.eventTs }),
  };
  return eventBody(event, {
    ...(input.team !== undefined && { team_id: input.team }),
    ...(input.eventId !== undefined && { event_id: input.eventId }),
  });
}

/** A block_actions payload: someone in the fixture team pressed `button` on the message at (channel, messageTs). */
export function buttonPressPayload(press: {
  team: string;
  channel: string;
  messageTs: string;
  button: { action_id: string; value: string };
  responseUrl: string;
}): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: { id: 'U04ONCALL9Z', team_id: press.team },
    team: { id: press.team, domain: 'example-corp' },
    api_app_id: 'A07BOT12345',
    container: { type: 'message', message_ts: press.messageTs, channel_id: press.channel, is_ephemeral: false },
    channel: { id: press.channel },
    response_url: press.responseUrl,
    trigger_id: `${Date.now()}.2.4`,
    actions: [
      {
        type: 'button',
        action_id: press.button.action_id,
        block_id: 'fixes',
        value: press.button.value,
        action_ts: '2',
      },
    ],
  };
}

/** A block_actions payload: someone pressed "Share in channel" (`value`) under an ephemeral /apierr answer. */
export function sharePressPayload(press: {
  team: string;
  responseUrl: string;
  value: string;
}): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: { id: 'U04ONCALL9Z', team_id: press.team },
    team: { id: press.team },
    api_app_id: 'A07BOT12345',
    container: { type: 'message', is_ephemeral: true },
    response_url: press.responseUrl,
    trigger_id: '1.2.3',
    actions: [{ type: 'button', action_id: 'apierr_share', block_id: 'share', value: press.value, action_ts: '1' }],
  };
}
