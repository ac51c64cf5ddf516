/**
 * The SlackPort over `fetch`, for Cloudflare Workers (where @slack/web-api's Node client does not run):
 * the same calls, metadata and failure classes as `web-api.ts`, with no retries of its own (the outbox
 * owns retrying, with the delay Slack asked for).
 * @module
 */
import {
  findKeyedMessage,
  type Logger,
  messageMetadata,
  type SlackMessage,
  type SlackPort,
  type SlackResult,
} from '../core/ports.js';
import { classifyHttpStatus, classifySlackError } from './slack-errors.js';

export interface FetchSlackOptions {
  token: string;
  /** Slack Web API base, ending in `/` (`https://slack.com/api/`). */
  apiUrl: string;
  logger: Logger;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const JSON_METHODS = new Set(['chat.postMessage', 'chat.update', 'views.publish']);

interface SlackAnswer {
  ok: boolean;
  error?: string;
  [field: string]: unknown;
}

export function createFetchSlack(options: FetchSlackOptions): SlackPort {
  const base = options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`;
  const doFetch = options.fetch ?? fetch;
  let team: Promise<string | undefined> | undefined;

  const call = async <T>(method: string, args: Record<string, unknown>, read: (answer: SlackAnswer) => T) => {
    let result: SlackResult<T>;
    try {
      // Slack reads JSON bodies only for write methods; the others get a form, as its own SDK sends them.
      const asJson = JSON_METHODS.has(method);
      const res = await doFetch(`${base}${method}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${options.token}`,
          'content-type': asJson ? 'application/json; charset=utf-8' : 'application/x-www-form-urlencoded',
        },
        body: asJson
          ? JSON.stringify(args)
          : new URLSearchParams(Object.entries(args).map(([k, v]): [string, string] => [k, String(v)])).toString(),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (res.status === 429) {
        const seconds = Number(res.headers.get('retry-after'));
        result = {
          ok: false,
          failure: { kind: 'rate_limited', retryAfterMs: Math.max(1, Number.isFinite(seconds) ? seconds : 30) * 1000 },
        };
      } else if (!res.ok) {
        result = { ok: false, failure: classifyHttpStatus(res.status) };
      } else {
        const answer = (await res.json()) as SlackAnswer;
        result = answer.ok
          ? { ok: true, value: read(answer) }
          : { ok: false, failure: classifySlackError(String(answer.error ?? 'unknown_error')) };
      }
    } catch (error) {
      // Network errors and timeouts: worth another try.
      result = {
        ok: false,
        failure: { kind: 'transient', reason: error instanceof Error ? error.message : String(error) },
      };
    }
    if (!result.ok) options.logger.warn({ method, failure: result.failure }, 'Slack call failed');
    return result;
  };

  return {
    teamId() {
      team ??= call('auth.test', {}, (answer) => answer.team_id as string | undefined).then((result) => {
        if (result.ok) return result.value;
        team = undefined; // ask again next time rather than caching a failure
        return undefined;
      });
      return team;
    },
    postMessage(message: SlackMessage) {
      return call(
        'chat.postMessage',
        {
          channel: message.channel,
          text: message.text,
          blocks: message.blocks,
          ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
          ...messageMetadata(message),
          unfurl_links: false,
        },
        (answer) => ({ channel: String(answer.channel ?? message.channel), ts: String(answer.ts) }),
      );
    },
    publishHome(userId: string, view: { type: 'home'; blocks: readonly object[] }) {
      return call('views.publish', { user_id: userId, view }, () => undefined);
    },
    updateMessage(message: SlackMessage & { ts: string }) {
      return call(
        'chat.update',
        { channel: message.channel, ts: message.ts, text: message.text, blocks: message.blocks },
        () => undefined,
      );
    },
    findMessage({ channel, key, threadTs, since }) {
      const [method, args] = threadTs
        ? ['conversations.replies', { channel, ts: threadTs, include_all_metadata: true, limit: 200 }]
        : [
            'conversations.history',
            { channel, oldest: (since / 1000).toFixed(6), include_all_metadata: true, limit: 200 },
          ];
      return call(method as string, args as Record<string, unknown>, (answer) =>
        findKeyedMessage((answer.messages ?? []) as Parameters<typeof findKeyedMessage>[0], key),
      );
    },
  };
}
