/**
 * The Web API methods the fake implements, as plain functions over an in-memory workspace, so their
 * Slack-like rules (required args, error codes, limits from FORMATS.md §3) are separate from HTTP plumbing.
 * @module
 */

import { checkBlocks } from './fake-slack-blocks.js';

/** Who the fake workspace and its bot are. Defaults match the IDs in shared/fixtures/slack. */
export interface FakeWorkspace {
  teamId: string;
  teamDomain: string;
  teamName: string;
  botUserId: string;
  botUserName: string;
  botId: string;
  appId: string;
  /** When set, only these channel IDs exist; other channels get `channel_not_found`. */
  channels: readonly string[] | undefined;
  /** When set, only these tokens are valid; others get `invalid_auth`. */
  tokens: readonly string[] | undefined;
  /** The WebSocket URL `apps.connections.open` hands out (a fake Socket Mode server's `url`). Unset: the
   * method fails with `fake_slack_socket_mode_url_not_set`, a fake-only code naming the missing option
   * (the SDK treats unknown codes as transient and keeps retrying, so expect a hang, not a throw). */
  socketModeUrl?: string | undefined;
}

/** A message as the fake stores it: the Slack message object plus the channel it lives in. */
export interface FakeMessage {
  channel: string;
  ts: string;
  type: 'message';
  user: string;
  bot_id: string;
  app_id: string;
  team: string;
  text?: string;
  blocks?: unknown[];
  attachments?: unknown;
  metadata?: unknown;
  thread_ts?: string;
  reply_broadcast?: boolean;
  edited?: { user: string; ts: string };
}

export interface FakeEphemeral {
  channel: string;
  user: string;
  message_ts: string;
  text?: string;
  blocks?: unknown[];
  thread_ts?: string;
}

export type MethodResult = { ok: boolean; error?: string } & Record<string, unknown>;
type Args = Record<string, unknown>;

export class FakeWorkspaceState {
  readonly messages = new Map<string, FakeMessage[]>();
  readonly ephemerals: FakeEphemeral[] = [];
  /** The App Home view last published per user (views.publish). */
  readonly homes = new Map<string, unknown>();
  private seq = 0;

  constructor(private readonly firstTsSeconds: number) {}

  /** Slack-shaped ts ("1700000000.000100"): unique and increasing, deterministic so tests can hard-code them. */
  nextTs(): string {
    this.seq += 1;
    const seconds = this.firstTsSeconds + Math.floor(this.seq / 10_000);
    const micros = (this.seq % 10_000) * 100;
    return `${seconds}.${String(micros).padStart(6, '0')}`;
  }

  find(channel: string, ts: string): FakeMessage | undefined {
    return this.messages.get(channel)?.find((m) => m.ts === ts);
  }

  /** Forgets messages but keeps the ts counter, so a ts from before a reset can never be reused. */
  clear(): void {
    this.messages.clear();
    this.ephemerals.length = 0;
    this.homes.clear();
  }
}

export interface MethodContext {
  state: FakeWorkspaceState;
  workspace: FakeWorkspace;
  token: string | undefined;
}

type Handler = (args: Args, ctx: MethodContext) => MethodResult;

const MAX_TEXT = 40_000;

const HANDLERS: Record<string, Handler> = {
  'auth.test': (_args, { workspace: w }) => ({
    ok: true,
    url: `https://${w.teamDomain}.slack.com/`,
    team: w.teamName,
    user: w.botUserName,
    team_id: w.teamId,
    user_id: w.botUserId,
    bot_id: w.botId,
    is_enterprise_install: false,
  }),

  'chat.postMessage': (args, { state, workspace: w }) => {
    const channel = channelArg(args, w);
    if (typeof channel !== 'string') return channel;
    const invalid = checkContent(args);
    if (invalid) return invalid;
    const message: FakeMessage = {
      channel,
      ts: state.nextTs(),
      type: 'message',
      user: w.botUserId,
      bot_id: w.botId,
      app_id: w.appId,
      team: w.teamId,
      ...content(args),
      ...(str(args.thread_ts) !== undefined && { thread_ts: str(args.thread_ts) }),
      ...(args.reply_broadcast === true && { reply_broadcast: true }),
    };
    const list = state.messages.get(channel) ?? [];
    list.push(message);
    state.messages.set(channel, list);
    return { ok: true, channel, ts: message.ts, message: slackMessage(message) };
  },

  'chat.update': (args, { state, workspace: w }) => {
    const channel = channelArg(args, w);
    if (typeof channel !== 'string') return channel;
    const message = state.find(channel, str(args.ts) ?? '');
    if (!message) return fail('message_not_found');
    const invalid = checkContent(args);
    if (invalid) return invalid;
    // Slack keeps blocks/attachments the update leaves out (an empty array removes them), so merge.
    Object.assign(message, content(args), { edited: { user: w.botUserId, ts: state.nextTs() } });
    if (Array.isArray(message.blocks) && message.blocks.length === 0) delete message.blocks;
    return { ok: true, channel, ts: message.ts, text: message.text ?? '', message: slackMessage(message) };
  },

  'chat.postEphemeral': (args, { state, workspace: w }) => {
    const channel = channelArg(args, w);
    if (typeof channel !== 'string') return channel;
    const user = str(args.user);
    if (user === undefined) return fail('user_not_in_channel');
    const invalid = checkContent(args);
    if (invalid) return invalid;
    const { text, blocks } = content(args);
    const ephemeral: FakeEphemeral = {
      channel,
      user,
      message_ts: state.nextTs(),
      ...(text !== undefined && { text }),
      ...(blocks !== undefined && { blocks }),
      ...(str(args.thread_ts) !== undefined && { thread_ts: str(args.thread_ts) }),
    };
    state.ephemerals.push(ephemeral);
    return { ok: true, message_ts: ephemeral.message_ts };
  },

  // App Home: a `home` view for one user, its blocks checked like a message's.
  'views.publish': (args, { state }) => {
    const user = str(args.user_id);
    if (user === undefined) return fail('invalid_arguments');
    const view = typeof args.view === 'string' ? safeJson(args.view) : args.view;
    if (view === null || typeof view !== 'object' || (view as { type?: unknown }).type !== 'home')
      return fail('invalid_arguments');
    const problem = checkBlocks((view as { blocks?: unknown }).blocks ?? []);
    if (problem) return fail(problem.error, { errors: problem.errors });
    state.homes.set(user, view);
    return { ok: true, view: { id: `V${state.nextTs().replace('.', '')}`, type: 'home', ...view } };
  },

  // Newest first, top-level messages only (as Slack does); metadata only with include_all_metadata.
  'conversations.history': (args, { state, workspace: w }) => {
    const channel = channelArg(args, w);
    if (typeof channel !== 'string') return channel;
    const oldest = Number(str(args.oldest) ?? '0');
    const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
    const messages = (state.messages.get(channel) ?? [])
      .filter((m) => (!m.thread_ts || m.thread_ts === m.ts) && Number(m.ts) > oldest)
      .reverse()
      .slice(0, Number(str(args.limit) ?? '100'))
      .map((m) => historyMessage(m, withMetadata));
    return { ok: true, messages, has_more: false };
  },

  // The parent first, then its replies in order.
  'conversations.replies': (args, { state, workspace: w }) => {
    const channel = channelArg(args, w);
    if (typeof channel !== 'string') return channel;
    const ts = str(args.ts) ?? '';
    const parent = state.find(channel, ts);
    if (!parent) return fail('thread_not_found');
    const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
    const replies = (state.messages.get(channel) ?? []).filter((m) => m.thread_ts === ts && m.ts !== ts);
    return { ok: true, messages: [parent, ...replies].map((m) => historyMessage(m, withMetadata)), has_more: false };
  },

  // Socket Mode (FORMATS.md §2.5): only an app-level token opens a connection; a bot or user token is
  // the wrong type, anything else is not a token Slack knows.
  'apps.connections.open': (_args, { workspace: w, token }) => {
    if (token?.startsWith('xoxb-') || token?.startsWith('xoxp-')) return fail('not_allowed_token_type');
    if (!token?.startsWith('xapp-')) return fail('invalid_auth');
    if (w.socketModeUrl === undefined) return fail('fake_slack_socket_mode_url_not_set');
    return { ok: true, url: w.socketModeUrl };
  },

  'chat.getPermalink': (args, { state, workspace: w }) => {
    const channel = channelArg(args, w);
    if (typeof channel !== 'string') return channel;
    const message = state.find(channel, str(args.message_ts) ?? '');
    if (!message) return fail('message_not_found');
    const base = `https://${w.teamDomain}.slack.com/archives/${channel}/p${message.ts.replace('.', '')}`;
    const thread = message.thread_ts ? `?thread_ts=${message.thread_ts}&cid=${channel}` : '';
    return { ok: true, channel, permalink: base + thread };
  },
};

export function callMethod(method: string, args: Args, ctx: MethodContext): MethodResult {
  const handler = HANDLERS[method];
  if (!handler) return fail('unknown_method', { req_method: method });
  if (ctx.token === undefined) return fail('not_authed');
  if (ctx.workspace.tokens && !ctx.workspace.tokens.includes(ctx.token)) return fail('invalid_auth');
  return handler(args, ctx);
}

/** The message object Slack returns: the stored one without the fake's `channel` bookkeeping. */
export function slackMessage(message: FakeMessage): Record<string, unknown> {
  const { channel: _channel, ...rest } = structuredClone(message);
  return rest;
}

function historyMessage(message: FakeMessage, withMetadata: boolean): Record<string, unknown> {
  const copy = slackMessage(message);
  if (!withMetadata) delete copy.metadata;
  return copy;
}

/** The channel ID, or the error Slack gives for a missing or (when the fake knows its channels) unknown one. */
function channelArg(args: Args, w: FakeWorkspace): string | MethodResult {
  const channel = str(args.channel);
  if (channel === undefined || (w.channels && !w.channels.includes(channel))) return fail('channel_not_found');
  return channel;
}

/** Shared by post and update: Slack needs some content, valid blocks and text within 40,000 chars. */
function checkContent(args: Args): MethodResult | undefined {
  const text = str(args.text);
  const hasBlocks = args.blocks !== undefined && !(Array.isArray(args.blocks) && args.blocks.length === 0);
  if (!text && !hasBlocks && args.attachments === undefined) return fail('no_text');
  if (args.blocks !== undefined) {
    const problem = checkBlocks(args.blocks);
    if (problem) {
      return fail(problem.error, {
        errors: problem.errors,
        response_metadata: { messages: problem.errors.map((e) => `[ERROR] ${e}`) },
      });
    }
  }
  if (text !== undefined && [...text].length > MAX_TEXT) return fail('msg_too_long');
  return undefined;
}

function content(args: Args): Pick<FakeMessage, 'text' | 'blocks' | 'attachments' | 'metadata'> {
  const text = str(args.text);
  return {
    ...(text !== undefined && { text }),
    ...(Array.isArray(args.blocks) && { blocks: args.blocks }),
    ...(args.attachments !== undefined && { attachments: args.attachments }),
    ...(args.metadata !== undefined && { metadata: args.metadata }),
  };
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  // JSON bodies may carry numbers (e.g. a ts sent unquoted); form bodies never do.
  return typeof value === 'number' ? String(value) : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function fail(error: string, extra: Record<string, unknown> = {}): MethodResult {
  return { ok: false, error, ...extra };
}
