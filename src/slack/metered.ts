/**
 * A SlackPort decorator that times and classifies every Slack Web API call: one counter and latency
 * observation per call (method, outcome ok / rate_limited / transient / permanent), the Retry-After Slack
 * asked for on a 429, and one structured `info` log line per call (method, outcome, milliseconds and the
 * failure reason: never a message body or a token). Free of any SDK, so Node and Workers both use it.
 * @module
 * @example
 * const slack = meteredSlack(createWebApiSlack(options), { metrics, logger });
 */
import type { Metrics, SlackMethod, SlackOutcome } from '../core/metrics.js';
import type { Logger, SlackPort, SlackResult } from '../core/ports.js';

export interface MeteredSlackOptions {
  metrics: Metrics;
  logger: Logger;
  /** Milliseconds from an arbitrary origin; `performance.now` by default. */
  now?: () => number;
}

export function meteredSlack(slack: SlackPort, options: MeteredSlackOptions): SlackPort {
  const now = options.now ?? (() => performance.now());
  const { metrics, logger } = options;

  const timed = async <T>(
    method: SlackMethod,
    run: () => Promise<SlackResult<T>>,
    requestId?: string | undefined,
  ): Promise<SlackResult<T>> => {
    const started = now();
    const result = await run();
    const ms = now() - started;
    const outcome: SlackOutcome = result.ok ? 'ok' : result.failure.kind;
    metrics.slackCall(method, outcome, ms / 1000);
    const fields: Record<string, unknown> = {
      method,
      outcome,
      ms: Math.round(ms),
      ...(requestId ? { requestId } : {}),
    };
    if (!result.ok) {
      if (result.failure.kind === 'rate_limited') {
        metrics.retryAfterWait(result.failure.retryAfterMs / 1000);
        fields.retryAfterMs = result.failure.retryAfterMs;
      } else fields.reason = result.failure.reason;
    }
    logger.info(fields, 'Slack call');
    return result;
  };

  return {
    teamId: () => slack.teamId(),
    postMessage: (message) => timed('chat.postMessage', () => slack.postMessage(message), message.requestId),
    updateMessage: (message) => timed('chat.update', () => slack.updateMessage(message), message.requestId),
    findMessage: (query) =>
      timed(query.threadTs ? 'conversations.replies' : 'conversations.history', () => slack.findMessage(query)),
    // Optional on the port (the App Home): passed through, and metered, only where the client has it.
    ...(slack.publishHome
      ? {
          publishHome: (userId: string, view: Parameters<NonNullable<SlackPort['publishHome']>>[1]) =>
            timed('views.publish', () => (slack.publishHome as NonNullable<SlackPort['publishHome']>)(userId, view)),
        }
      : {}),
  };
}
