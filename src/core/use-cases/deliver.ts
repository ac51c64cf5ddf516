/**
 * Delivering the outbox: each queued step for an alert (post the parent and its explanation, edit it on
 * resolve, add a thread note) is carried out against Slack, resuming from what was already posted.
 *
 * Every Slack message ts is stored as soon as Slack returns it, so a retry after a crash or an error
 * skips what already exists: the parent and the explanation are never posted twice.
 * @module
 */
import {
  renderAlertExplanation,
  renderAlertParent,
  renderReopenedNote,
  renderRepeatNote,
  renderResolvedNote,
} from '../messages/alert-messages.js';
import type { SlackPayload } from '../messages/blocks.js';
import type { Delivery, SlackFailure, SlackResult, StoredAlert } from '../ports.js';
import { rankedFixesFor } from './explain-query.js';
import type { CoreServices } from './services.js';

export interface RetryPolicy {
  /** Attempts before a transient failure becomes permanent. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  random: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 10,
  baseDelayMs: 1000,
  maxDelayMs: 5 * 60_000,
  random: Math.random,
};

export type DeliveryOutcome =
  | { state: 'sent' }
  | { state: 'retry'; at: number; reason: string }
  | { state: 'failed'; reason: string };

/** Full-jitter exponential backoff: a random delay up to base * 2^attempt, capped. */
export function backoffDelay(attempt: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(policy.baseDelayMs / 2, Math.round(ceiling * policy.random()));
}

class StepFailed {
  constructor(readonly failure: SlackFailure) {}
}

/** Carries out one delivery and says what the outbox should do with it next. Never throws for Slack errors. */
export async function deliver(
  services: CoreServices,
  delivery: Delivery,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<DeliveryOutcome> {
  const alert = await services.store.getAlert(delivery.alertId);
  if (!alert) return { state: 'failed', reason: `alert ${delivery.alertId} no longer exists` };
  try {
    switch (delivery.kind) {
      case 'post':
        await postAlert(services, alert, delivery.channel);
        break;
      case 'resolve':
      case 'reopen':
      case 'repeat': {
        if (!alert.parentTs || !alert.channel) {
          // The parent has not been posted yet (its own delivery is pending or retrying): wait for it.
          // Counted as an attempt, so that a parent that can never be posted does not keep this waiting forever.
          return outcomeOf(
            { kind: 'transient', reason: 'waiting for the parent message' },
            delivery.attempts + 1,
            services.clock.now(),
            policy,
          );
        }
        await noteOnAlert(services, alert, delivery.kind);
        break;
      }
    }
    return { state: 'sent' };
  } catch (error) {
    if (!(error instanceof StepFailed)) throw error;
    return outcomeOf(error.failure, delivery.attempts + 1, services.clock.now(), policy);
  }
}

export function outcomeOf(failure: SlackFailure, attempt: number, now: number, policy: RetryPolicy): DeliveryOutcome {
  switch (failure.kind) {
    case 'permanent':
      return { state: 'failed', reason: failure.reason };
    case 'rate_limited':
      // Slack said exactly when to come back; that is not the receiver failing, so no attempt cap applies.
      return { state: 'retry', at: now + failure.retryAfterMs, reason: 'rate limited by Slack' };
    case 'transient':
      if (attempt >= policy.maxAttempts)
        return { state: 'failed', reason: `gave up after ${attempt} attempts: ${failure.reason}` };
      return { state: 'retry', at: now + backoffDelay(attempt, policy), reason: failure.reason };
  }
}

async function postAlert(services: CoreServices, alert: StoredAlert, channel: string): Promise<void> {
  const result = services.matcher.match(`${alert.title}\n${alert.description}`, { statusCode: alert.statusCode });
  const best = result.matches[0] && result.matches[0].confidence >= 0.2 ? result.matches[0] : undefined;
  const entry = best ? services.entries.get(best.id) : undefined;
  const now = services.clock.now();

  let parentTs = alert.parentTs;
  let parentChannel = alert.channel ?? channel;
  if (!parentTs) {
    const posted = unwrap(await services.slack.postMessage({ channel, ...renderAlertParent(alert, best, now) }));
    parentTs = posted.ts;
    parentChannel = posted.channel;
    await services.store.saveParent(alert.id, {
      channel: posted.channel,
      ts: posted.ts,
      teamId: await services.slack.teamId(),
    });
  }
  if (!alert.explanationTs) {
    const fixes = entry ? await rankedFixesFor(services, entry, alert.service) : [];
    const message = renderAlertExplanation(alert, entry, best, fixes, result.matches.slice(best ? 1 : 0, 4));
    const posted = unwrap(await services.slack.postMessage({ channel: parentChannel, threadTs: parentTs, ...message }));
    await services.store.saveExplanation(alert.id, {
      ts: posted.ts,
      entryId: entry?.id,
      confidence: best?.confidence,
      fixOrder: fixes.slice(0, 9).map((fix) => fix.id),
    });
  }
}

async function noteOnAlert(
  services: CoreServices,
  alert: StoredAlert,
  kind: 'resolve' | 'reopen' | 'repeat',
): Promise<void> {
  const channel = alert.channel as string;
  const parentTs = alert.parentTs as string;
  const now = services.clock.now();
  if (kind !== 'repeat') {
    const best = alert.entryId
      ? services.matcher.match(`${alert.title}\n${alert.description}`, { statusCode: alert.statusCode }).matches[0]
      : undefined;
    unwrap(await services.slack.updateMessage({ channel, ts: parentTs, ...renderAlertParent(alert, best, now) }));
  }
  const note: SlackPayload =
    kind === 'resolve'
      ? renderResolvedNote(alert, now)
      : kind === 'reopen'
        ? renderReopenedNote()
        : renderRepeatNote(alert);
  unwrap(await services.slack.postMessage({ channel, threadTs: parentTs, ...note }));
}

function unwrap<T>(result: SlackResult<T>): T {
  if (!result.ok) throw new StepFailed(result.failure);
  return result.value;
}
