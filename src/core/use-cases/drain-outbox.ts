/**
 * One pass over the outbox: deliver what is due, oldest first, at most one Slack post per channel per
 * second (Slack's limit for chat.postMessage), and record each outcome.
 * @module
 */
import type { Delivery } from '../ports.js';
import { DEFAULT_RETRY, type DeliveryOutcome, deliver, type RetryPolicy } from './deliver.js';
import type { CoreServices } from './services.js';

/** Remembers when each channel may be posted to next. Lives as long as the process (or the Worker). */
export class ChannelPacer {
  private readonly nextAllowed = new Map<string, number>();
  constructor(private readonly intervalMs = 1000) {}

  waitFor(channel: string, now: number): number {
    return Math.max(0, (this.nextAllowed.get(channel) ?? 0) - now);
  }

  used(channel: string, now: number, messages = 1): void {
    this.nextAllowed.set(channel, now + this.intervalMs * messages);
  }
}

export interface DrainResult {
  delivered: number;
  retried: number;
  failed: number;
  /** Milliseconds until the earliest paced delivery may go, when one is waiting; else undefined. */
  nextInMs: number | undefined;
}

export async function drainOutbox(
  services: CoreServices,
  pacer: ChannelPacer,
  options: { batch?: number; policy?: RetryPolicy } = {},
): Promise<DrainResult> {
  const policy = options.policy ?? DEFAULT_RETRY;
  const result: DrainResult = { delivered: 0, retried: 0, failed: 0, nextInMs: undefined };
  const due = await services.store.dueDeliveries(services.clock.now(), options.batch ?? 50);
  const blocked = new Set<string>();
  for (const delivery of due) {
    const now = services.clock.now();
    const wait = pacer.waitFor(delivery.channel, now);
    // Keep per-channel order: once one delivery for a channel must wait, later ones wait too.
    if (wait > 0 || blocked.has(delivery.channel)) {
      blocked.add(delivery.channel);
      result.nextInMs = Math.min(result.nextInMs ?? wait, Math.max(wait, 1));
      continue;
    }
    const outcome = await deliver(services, delivery, policy);
    pacer.used(delivery.channel, services.clock.now(), messagesFor(delivery));
    await record(services, delivery, outcome);
    if (outcome.state === 'sent') result.delivered++;
    else if (outcome.state === 'retry') {
      result.retried++;
      blocked.add(delivery.channel);
    } else result.failed++;
  }
  return result;
}

/** A new alert costs two posts (parent and explanation); notes cost one. */
const messagesFor = (delivery: Delivery) => (delivery.kind === 'post' ? 2 : 1);

async function record(services: CoreServices, delivery: Delivery, outcome: DeliveryOutcome): Promise<void> {
  const attempts = delivery.attempts + 1;
  if (outcome.state === 'sent') {
    await services.store.markDelivery(delivery.id, { state: 'sent', attempts, nextAttemptAt: delivery.nextAttemptAt });
    return;
  }
  if (outcome.state === 'retry') {
    services.logger.warn(
      { delivery: delivery.id, kind: delivery.kind, reason: outcome.reason, retryAt: outcome.at },
      'Slack delivery will be retried',
    );
    await services.store.markDelivery(delivery.id, {
      state: 'pending',
      attempts,
      nextAttemptAt: outcome.at,
      lastError: outcome.reason,
    });
    return;
  }
  services.logger.error(
    { delivery: delivery.id, kind: delivery.kind, alert: delivery.alertId, reason: outcome.reason },
    'Slack delivery failed permanently',
  );
  await services.store.markDelivery(delivery.id, {
    state: 'failed',
    attempts,
    nextAttemptAt: delivery.nextAttemptAt,
    lastError: outcome.reason,
  });
}
