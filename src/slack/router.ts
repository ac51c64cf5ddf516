/**
 * Which handler a Slack request goes to, free of any transport: the HTTP endpoint (both runtimes) and Bolt's
 * Socket Mode (Node) hand it the parsed payload, send back `ack` at once, and run `later` after the answer
 * (`ctx.waitUntil` on Workers, a background promise on Node). Slack wants the answer within 3 seconds.
 * @module
 */

import { readMessage, type SlackMessageLike } from '../core/listen/message-text.js';
import { ACK_ACTION, EXPIRE_SILENCE_ACTION, SILENCE_ACTION, UNACK_ACTION } from '../core/messages/alert-controls.js';
import { FIXED_IT_ACTION } from '../core/messages/alert-messages.js';
import { escapeMrkdwn } from '../core/messages/blocks.js';
import { SHARE_ACTION } from '../core/messages/command-messages.js';
import { CORRECT_ACTION } from '../core/messages/correction-messages.js';
import {
  type ActionReply,
  type AlertPress,
  acknowledgeFromSlack,
  expireSilenceFromSlack,
  silenceFromSlack,
} from '../core/use-cases/act-on-alert.js';
import { publishHome } from '../core/use-cases/app-home.js';
import { correctMatch } from '../core/use-cases/correct-match.js';
import {
  EXPLAIN_PRIVATELY_SHORTCUT,
  EXPLAIN_SHORTCUT,
  explainMessage,
  POST_IN_THREAD_ACTION,
  postInThread,
  privateExplanation,
} from '../core/use-cases/explain-message.js';
import { listenToMessage, type MessageEnvelope } from '../core/use-cases/listen-message.js';
import type { CoreServices } from '../core/use-cases/services.js';
import { handleFixButton, handleReaction, handleShare, handleSlashCommand, type ReactionEnvelope } from './handlers.js';

/** Posts a message to an interaction's `response_url` (ephemeral replies, replacing or deleting the original). */
export type Respond = (responseUrl: string, message: Record<string, unknown>) => Promise<void>;

export interface Routed {
  /** The body of the immediate answer: undefined for an empty 200. */
  ack: Record<string, unknown> | undefined;
  /** Work to finish after the answer. Never throws (it logs its own failures). */
  later?: () => Promise<void>;
}

/** No handler wants this payload: the transport answers 404 (as Bolt does). */
export const UNHANDLED: unique symbol = Symbol('unhandled');

export interface SlackRouter {
  route(payload: Record<string, unknown>): Promise<Routed | typeof UNHANDLED>;
}

export interface RouterOptions {
  /** Asks the outbox to deliver what is due now (an explanation queued for a listened message). */
  drainOutbox?: (() => Promise<void>) | undefined;
}

export function createSlackRouter(services: CoreServices, respond: Respond, options: RouterOptions = {}): SlackRouter {
  const safely = (what: string, work: () => Promise<void>) => async () => {
    try {
      await work();
    } catch (error) {
      services.logger.error({ err: error, what }, 'a Slack handler failed');
    }
  };

  return {
    async route(payload) {
      if (typeof payload.command === 'string') {
        if (!/^\/apierr/.test(payload.command)) return UNHANDLED;
        const answer = await handleSlashCommand(services, stringField(payload.text), stringField(payload.channel_id));
        return { ack: { ...answer } };
      }

      if (payload.type === 'event_callback' && (payload.event as { type?: unknown } | undefined)?.type === 'message') {
        const authorizations = payload.authorizations as { user_id?: string }[] | undefined;
        // Stored before the answer (one unit of work), so a Slack retry finds it; posted later by the outbox.
        const outcome = await listenToMessage(
          services,
          payload as unknown as MessageEnvelope,
          authorizations?.[0]?.user_id,
        );
        services.logger.debug({ outcome }, 'message event handled');
        const drain = options.drainOutbox;
        return {
          ack: undefined,
          ...(outcome.kind === 'queued' && drain ? { later: safely('listened message', drain) } : {}),
        };
      }

      if (
        payload.type === 'event_callback' &&
        (payload.event as { type?: unknown } | undefined)?.type === 'app_home_opened'
      ) {
        const event = payload.event as { user?: string; tab?: string };
        if (event.tab !== undefined && event.tab !== 'home') return { ack: undefined };
        return {
          ack: undefined,
          later: safely('app home', async () => void (await publishHome(services, event.user ?? ''))),
        };
      }

      if (payload.type === 'event_callback') {
        const event = payload.event as ReactionEnvelope['event'] | undefined;
        if (event?.type !== 'reaction_added' && event?.type !== 'reaction_removed') return UNHANDLED;
        // The bot's own user id comes with every event (authorizations), so its reactions never count.
        const authorizations = payload.authorizations as { user_id?: string }[] | undefined;
        const botUserId = authorizations?.[0]?.user_id;
        // Recorded before the answer (a few milliseconds of store work), so that a stats query sent right
        // after the reaction sees it; the endpoint's deadline still answers Slack in time if the store is slow.
        await handleReaction(services, payload as unknown as ReactionEnvelope, botUserId);
        return { ack: undefined };
      }

      if (payload.type === 'message_action') {
        const callbackId = payload.callback_id;
        if (callbackId !== EXPLAIN_SHORTCUT && callbackId !== EXPLAIN_PRIVATELY_SHORTCUT) return UNHANDLED;
        const responseUrl = stringField(payload.response_url);
        const team = payload.team as { id?: string } | null | undefined;
        const user = (payload.user ?? {}) as { id?: string; team_id?: string };
        const channel = (payload.channel as { id?: string } | undefined)?.id ?? '';
        const message = (payload.message ?? {}) as SlackMessageLike & { ts?: string; bot_id?: string; user?: string };
        const input = {
          teamId: team?.id ?? user.team_id ?? '',
          userId: user.id ?? '',
          channel,
          ts: message.ts ?? stringField(payload.message_ts),
          sender: message.bot_id ?? message.user ?? 'unknown',
          message,
        };
        const reply = (body: Record<string, unknown>) =>
          responseUrl
            ? respond(responseUrl, { response_type: 'ephemeral', replace_original: false, ...body })
            : undefined;
        return {
          ack: undefined,
          later: safely('message shortcut', async () => {
            const result = await explainMessage(
              services,
              input,
              callbackId === EXPLAIN_PRIVATELY_SHORTCUT ? 'private' : 'thread',
            );
            if (result.kind !== 'queued') {
              await reply({ ...result.reply });
              return;
            }
            await options.drainOutbox?.();
            // Posted by the outbox; when it has not appeared shortly (apierr is not in the channel, or Slack
            // refused), the user gets the explanation privately, with the button to try the thread again.
            if (await explanationPosted(services, channel, input.ts)) return;
            const read = readMessage(message);
            if (!read) return;
            await reply({
              ...(await privateExplanation(
                services,
                input,
                read,
                'apierr could not post in this thread yet (is it a member of the channel? `/invite @apierr`), so here it is for you.',
              )),
            });
          }),
        };
      }

      if (payload.type === 'block_actions') {
        const action = (payload.actions as { action_id?: string; value?: string; type?: string }[] | undefined)?.[0];
        const actionId = action?.action_id ?? '';
        const responseUrl = stringField(payload.response_url);
        if (actionId.startsWith(`${FIXED_IT_ACTION}:`)) {
          const container = (payload.container ?? {}) as { channel_id?: string; message_ts?: string };
          const team = payload.team as { id?: string } | null | undefined;
          const user = (payload.user ?? {}) as { id?: string; team_id?: string };
          const channel = payload.channel as { id?: string } | undefined;
          const { reply } = await handleFixButton(services, {
            teamId: team?.id ?? user.team_id ?? '',
            userId: user.id ?? '',
            channel: container.channel_id ?? channel?.id ?? '',
            messageTs: container.message_ts ?? '',
            value: action?.value ?? '',
          });
          return {
            ack: undefined,
            later: safely('fix button reply', async () => {
              if (responseUrl)
                await respond(responseUrl, { response_type: 'ephemeral', replace_original: false, text: reply });
            }),
          };
        }
        const alertAction = ALERT_ACTIONS[actionId];
        if (alertAction) {
          const container = (payload.container ?? {}) as {
            channel_id?: string;
            message_ts?: string;
            thread_ts?: string;
          };
          const message = (payload.message ?? {}) as { thread_ts?: string };
          const team = payload.team as { id?: string } | null | undefined;
          const user = (payload.user ?? {}) as { id?: string; team_id?: string; name?: string; username?: string };
          const selected = (action as { selected_option?: { value?: string } } | undefined)?.selected_option;
          const press: AlertPress = {
            teamId: team?.id ?? user.team_id ?? '',
            userId: user.id ?? '',
            userName: user.name ?? user.username ?? '',
            channel: container.channel_id ?? (payload.channel as { id?: string } | undefined)?.id ?? '',
            messageTs: container.message_ts ?? '',
            threadTs: container.thread_ts ?? message.thread_ts,
            value: selected?.value ?? action?.value ?? '',
          };
          // Acknowledged at once; the store, Alertmanager and Slack edits follow, and a failure is told to
          // the person who pressed, privately.
          return {
            ack: undefined,
            later: safely(actionId, async () => {
              const { reply } = await alertAction(services, press);
              if (reply && responseUrl)
                await respond(responseUrl, { response_type: 'ephemeral', replace_original: false, text: reply });
            }),
          };
        }
        if (actionId === CORRECT_ACTION) {
          const container = (payload.container ?? {}) as { channel_id?: string; message_ts?: string };
          const team = payload.team as { id?: string } | null | undefined;
          const user = (payload.user ?? {}) as { id?: string; team_id?: string };
          const selected = (action as { selected_option?: { value?: string } } | undefined)?.selected_option;
          return {
            ack: undefined,
            later: safely('correction', async () => {
              const outcome = await correctMatch(services, {
                teamId: team?.id ?? user.team_id ?? '',
                userId: user.id ?? '',
                channel: container.channel_id ?? (payload.channel as { id?: string } | undefined)?.id ?? '',
                messageTs: container.message_ts ?? '',
                value: selected?.value ?? '',
              });
              services.logger.info({ outcome, user: user.id }, 'correction handled');
              if (!responseUrl) return;
              const text =
                outcome.kind === 'corrected'
                  ? `Thanks: this explanation now shows ${escapeMrkdwn(services.entries.get(outcome.to)?.title ?? outcome.to)}, and the next alerts of this kind will too.`
                  : outcome.kind === 'undone'
                    ? 'Undone: the explanation is back to what apierr matched, and the next alerts of this kind are matched as before.'
                    : 'That menu does not belong to an explanation apierr can correct.';
              await respond(responseUrl, { response_type: 'ephemeral', replace_original: false, text });
            }),
          };
        }
        if (actionId === POST_IN_THREAD_ACTION) {
          const team = payload.team as { id?: string } | null | undefined;
          const user = (payload.user ?? {}) as { team_id?: string };
          const channel = (payload.channel as { id?: string } | undefined)?.id ?? '';
          return {
            ack: undefined,
            later: safely('post in thread button', async () => {
              const result = await postInThread(services, {
                teamId: team?.id ?? user.team_id ?? '',
                channel,
                value: action?.value ?? '',
              });
              if (result?.kind === 'queued') await options.drainOutbox?.();
              if (!responseUrl) return;
              if (result?.kind === 'already') await respond(responseUrl, { ...result.reply, replace_original: true });
              else await respond(responseUrl, { delete_original: true });
            }),
          };
        }
        if (actionId === SHARE_ACTION) {
          return {
            ack: undefined,
            later: safely('share button', async () => {
              const answer = await handleShare(services, action?.value ?? '');
              if (responseUrl)
                await respond(responseUrl, { ...answer, delete_original: true, replace_original: false });
            }),
          };
        }
        return UNHANDLED;
      }
      return UNHANDLED;
    },
  };
}

const ALERT_ACTIONS: Record<string, ((services: CoreServices, press: AlertPress) => Promise<ActionReply>) | undefined> =
  {
    [ACK_ACTION]: (services, press) => acknowledgeFromSlack(services, press, false),
    [UNACK_ACTION]: (services, press) => acknowledgeFromSlack(services, press, true),
    [SILENCE_ACTION]: silenceFromSlack,
    [EXPIRE_SILENCE_ACTION]: expireSilenceFromSlack,
  };

const stringField = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Waits a few seconds for the outbox to post a shortcut's explanation in the thread under `ts`. */
async function explanationPosted(services: CoreServices, channel: string, ts: string, waitMs = 4000): Promise<boolean> {
  const deadline = services.clock.now() + waitMs;
  for (;;) {
    const alert = await services.store.findAlertByMessage(channel, ts);
    if (alert?.explanationTs) return true;
    if (services.clock.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** `Respond` over fetch, on both runtimes. */
export function fetchRespond(logger: CoreServices['logger'], timeoutMs = 10_000): Respond {
  return async (responseUrl, message) => {
    try {
      const res = await fetch(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!res.ok) logger.warn({ status: res.status }, 'response_url refused the reply');
    } catch (error) {
      logger.warn({ err: error }, 'could not reach response_url');
    }
  };
}
