/**
 * The SlackPort over Slack's own Web API client (@slack/web-api), pointed at SLACK_API_URL.
 *
 * The client's own retries are turned off and rate-limited calls are rejected instead of queued: the
 * outbox owns retrying, with the delay Slack asked for, so a retry survives a restart.
 * @module
 */
import { ErrorCode, WebClient, type WebClientOptions } from '@slack/web-api';
import {
  findKeyedMessage,
  type Logger,
  messageMetadata,
  type SlackFailure,
  type SlackMessage,
  type SlackPort,
  type SlackResult,
} from '../core/ports.js';
import { classifyHttpStatus, classifySlackError } from './slack-errors.js';

export interface WebApiSlackOptions {
  token: string;
  apiUrl: string;
  logger: Logger;
  /** Milliseconds before a call is abandoned as a transient failure. */
  timeoutMs?: number;
}

export function createWebApiSlack(options: WebApiSlackOptions): SlackPort & { client: WebClient } {
  const clientOptions: WebClientOptions = {
    slackApiUrl: options.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? 10_000,
  };
  const client = new WebClient(options.token, clientOptions);
  let team: Promise<string | undefined> | undefined;

  const call = async <T>(run: () => Promise<T>): Promise<SlackResult<T>> => {
    try {
      return { ok: true, value: await run() };
    } catch (error) {
      const failure = classify(error);
      options.logger.warn({ failure }, 'Slack call failed');
      return { ok: false, failure };
    }
  };

  return {
    client,
    teamId() {
      team ??= client.auth.test().then(
        (answer) => answer.team_id,
        (error: unknown) => {
          team = undefined; // ask again next time rather than caching a failure
          options.logger.warn({ failure: classify(error) }, 'auth.test failed');
          return undefined;
        },
      );
      return team;
    },
    postMessage(message: SlackMessage) {
      return call(async () => {
        const answer = await client.chat.postMessage({
          channel: message.channel,
          text: message.text,
          blocks: message.blocks as never,
          ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
          ...messageMetadata(message),
          unfurl_links: false,
        });
        return { channel: answer.channel ?? message.channel, ts: answer.ts as string };
      });
    },
    findMessage({ channel, key, threadTs, since }) {
      return call(async () => {
        const answer = threadTs
          ? await client.conversations.replies({ channel, ts: threadTs, include_all_metadata: true, limit: 200 })
          : await client.conversations.history({
              channel,
              oldest: (since / 1000).toFixed(6),
              include_all_metadata: true,
              limit: 200,
            });
        return findKeyedMessage((answer.messages ?? []) as Parameters<typeof findKeyedMessage>[0], key);
      });
    },
    publishHome(userId: string, view: { type: 'home'; blocks: readonly object[] }) {
      return call(async () => {
        await client.views.publish({ user_id: userId, view: view as never });
      });
    },
    updateMessage(message: SlackMessage & { ts: string }) {
      return call(async () => {
        await client.chat.update({
          channel: message.channel,
          ts: message.ts,
          text: message.text,
          blocks: message.blocks as never,
        });
      });
    },
  };
}

export function classify(error: unknown): SlackFailure {
  const code = (error as { code?: string }).code;
  if (code === ErrorCode.RateLimitedError) {
    const seconds = Number((error as { retryAfter?: number }).retryAfter);
    return { kind: 'rate_limited', retryAfterMs: Math.max(1, Number.isFinite(seconds) ? seconds : 30) * 1000 };
  }
  if (code === ErrorCode.PlatformError) {
    return classifySlackError(String((error as { data?: { error?: string } }).data?.error ?? 'unknown_error'));
  }
  if (code === ErrorCode.HTTPError) {
    const status = Number((error as { statusCode?: number }).statusCode);
    return classifyHttpStatus(status);
  }
  // Network errors, timeouts and anything unexpected from the transport: worth another try.
  return { kind: 'transient', reason: error instanceof Error ? error.message : String(error) };
}
