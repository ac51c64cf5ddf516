/**
 * One pass over the outbox: deliver what is due, oldest first, at most one Slack post per channel per
 * second (Slack's limit for chat.postMessage), and record each outcome.
 * @module
 */
import type { Delivery } from '../ports.js';
import { DEFAULT_RETRY, type DeliveryOutcome, deliver, type RetryPolicy, refreshDigest } from './deliver.js';
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

  /** Nothing goes to `channel` before `until` (Slack's Retry-After). */
  holdUntil(channel: string, until: number): void {
    this.nextAllowed.set(channel, Math.max(this.nextAllowed.get(channel) ?? 0, until));
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
  options: { batch?: number; policy?: RetryPolicy | undefined; shouldStop?: () => boolean } = {},
): Promise<DrainResult> {
  const policy = options.policy ?? DEFAULT_RETRY;
  const result: DrainResult = { delivered: 0, retried: 0, failed: 0, nextInMs: undefined };
  const due = await services.store.dueDeliveries(services.clock.now(), options.batch ?? 50);
  const blocked = new Set<string>();
  const stopping = options.shouldStop ?? (() => false);
  for (const delivery of due) {
    // On shutdown, finish the delivery in hand and leave the rest queued for the next start.
    if (stopping()) return result;
    const now = services.clock.now();
    const wait = pacer.waitFor(delivery.channel, now);
    // Keep per-channel order: once one delivery for a channel must wait, later ones wait too.
    if (wait > 0 || blocked.has(delivery.channel)) {
      blocked.add(delivery.channel);
      result.nextInMs = Math.min(result.nextInMs ?? wait, Math.max(wait, 1));
      continue;
    }
    const outcome = await deliver(services, delivery, policy);
    // Joining a storm's digest sends nothing, so it costs the channel nothing; a failed call still counts.
    const sent = outcome.state === 'sent' ? outcome.slackCalls : 1;
    if (sent > 0) pacer.used(delivery.channel, services.clock.now(), sent);
    await record(services, delivery, outcome);
    if (outcome.state === 'sent') result.delivered++;
    else if (outcome.state === 'retry') {
      result.retried++;
      blocked.add(delivery.channel);
      // After a 429 the whole channel waits, so the queue resumes in order with the delivery Slack refused.
      if (outcome.holdChannel) pacer.holdUntil(delivery.channel, outcome.at);
    } else result.failed++;
  }
  if (!stopping()) await refreshDigests(services, pacer, blocked, result);
  return result;
}

/** One edit per storm digest whose alerts changed, however many joined or resolved since the last one. */
async function refreshDigests(
  services: CoreServices,
  pacer: ChannelPacer,
  blocked: Set<string>,
  result: DrainResult,
): Promise<void> {
  for (const digest of await services.store.staleDigests(20)) {
    const wait = pacer.waitFor(digest.channel, services.clock.now());
    if (wait > 0 || blocked.has(digest.channel)) {
      result.nextInMs = Math.min(result.nextInMs ?? Math.max(wait, 1), Math.max(wait, 1));
      continue;
    }
    const outcome = await refreshDigest(services, digest);
    pacer.used(digest.channel, services.clock.now());
    if (!outcome.ok) {
      // Left stale: the next pass tries again (after Slack's Retry-After, when it gave one).
      if (outcome.failure.kind === 'rate_limited') {
        pacer.holdUntil(digest.channel, services.clock.now() + outcome.failure.retryAfterMs);
      }
      services.logger.warn({ digest: digest.id, failure: outcome.failure }, 'digest edit failed; will retry');
      blocked.add(digest.channel);
    }
  }
}

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
  services.metrics?.deliveryFailed();
  await services.store.markDelivery(delivery.id, {
    state: 'failed',
    attempts,
    nextAttemptAt: delivery.nextAttemptAt,
    lastError: outcome.reason,
  });
}
