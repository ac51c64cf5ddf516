/**
 * Draining the outbox, one channel at a time, by one drainer per channel: the drainer claims the channel in
 * the store (a lease), delivers what is due oldest first at Slack's pace (one message a second per channel,
 * longer after a Retry-After), records each outcome with the channel's next allowed post in one unit, and
 * gives the channel back. The pace lives in the store, so several Node replicas or Worker isolates (or a
 * Durable Object per channel) share it. On Node a loop drains every due channel; on Workers a Durable
 * Object per channel does, woken by its alarm.
 * @module
 */
import type { Delivery } from '../ports.js';
import { DEFAULT_RETRY, type DeliveryOutcome, deliver, type RetryPolicy, refreshDigest } from './deliver.js';
import type { CoreServices } from './services.js';

export interface DrainOptions {
  /** Milliseconds between Slack posts to one channel (Slack allows about one per second). */
  pacingMs?: number;
  policy?: RetryPolicy | undefined;
  batch?: number;
  /** How long a drainer holds a channel before another may take it over (it died mid-pass). */
  leaseMs?: number;
  shouldStop?: () => boolean;
}

export interface DrainResult {
  delivered: number;
  retried: number;
  failed: number;
  /** Milliseconds until this channel has work that may go (paced, or a retry coming due); undefined if none. */
  nextInMs: number | undefined;
  /** Another drainer holds the channel: it will deliver. */
  held: boolean;
}

export const DEFAULT_PACING_MS = 1000;
/**
 * Long enough for one delivery (a few Slack calls of at most 10 s each, in practice well under a second)
 * since the lease is renewed before each; short enough that a drainer that died is replaced quickly.
 */
const DEFAULT_LEASE_MS = 15_000;

/** One pass over one channel's outbox. */
export async function drainChannel(
  services: CoreServices,
  channel: string,
  owner: string,
  options: DrainOptions = {},
): Promise<DrainResult> {
  const result: DrainResult = { delivered: 0, retried: 0, failed: 0, nextInMs: undefined, held: false };
  const { store, clock } = services;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const claim = await store.claimChannel(channel, owner, clock.now(), leaseMs);
  if (!claim) return { ...result, held: true };
  const pacingMs = options.pacingMs ?? DEFAULT_PACING_MS;
  const policy = options.policy ?? DEFAULT_RETRY;
  const stopping = options.shouldStop ?? (() => false);
  let nextPostAt = claim.nextPostAt;
  let blocked = false;
  try {
    const due = await store.dueDeliveries(clock.now(), options.batch ?? 50, channel);
    for (const [i, delivery] of due.entries()) {
      // On shutdown, finish the delivery in hand and leave the rest queued for the next start.
      if (stopping()) return result;
      // Keep the channel's order: once one delivery must wait for the pace, the later ones wait too.
      if (nextPostAt > clock.now()) {
        blocked = true;
        break;
      }
      // Renew the lease before each later delivery (the claim above covers the first), so a long pass is never
      // taken over while it posts.
      if (i > 0 && !(await store.claimChannel(channel, owner, clock.now(), leaseMs))) break;
      const outcome = await deliver(services, delivery, policy);
      // Joining a storm's digest sends nothing, so it costs the channel nothing; a failed call still counts.
      const sent = outcome.state === 'sent' ? outcome.slackCalls : 1;
      if (sent > 0) nextPostAt = clock.now() + pacingMs * sent;
      // After a 429 the whole channel waits, so the queue resumes in order with the delivery Slack refused.
      if (outcome.state === 'retry' && outcome.holdChannel) nextPostAt = Math.max(nextPostAt, outcome.at);
      await record(services, delivery, outcome, { channel, nextPostAt });
      if (outcome.state === 'sent') result.delivered++;
      else if (outcome.state === 'retry') {
        result.retried++;
        blocked = true;
        break;
      } else result.failed++;
    }
    if (!blocked && !stopping()) nextPostAt = await refreshDigests(services, channel, nextPostAt, pacingMs);
  } finally {
    await store.releaseChannel(channel, owner, nextPostAt);
  }
  const nextDue = await store.nextDueAt(channel);
  const stale = (await store.staleDigests(1, channel)).length > 0;
  if (nextDue !== undefined || stale) {
    const at = Math.max(nextPostAt, stale ? 0 : (nextDue as number));
    result.nextInMs = Math.max(1, at - clock.now());
  }
  return result;
}

/** One edit per storm digest whose alerts changed, however many joined or resolved since the last one. */
async function refreshDigests(
  services: CoreServices,
  channel: string,
  nextPostAt: number,
  pacingMs: number,
): Promise<number> {
  let next = nextPostAt;
  for (const digest of await services.store.staleDigests(20, channel)) {
    if (next > services.clock.now()) break;
    const outcome = await refreshDigest(services, digest);
    next = services.clock.now() + pacingMs;
    if (!outcome.ok) {
      // Left stale: the next pass tries again (after Slack's Retry-After, when it gave one).
      if (outcome.failure.kind === 'rate_limited')
        next = Math.max(next, services.clock.now() + outcome.failure.retryAfterMs);
      services.logger.warn({ digest: digest.id, failure: outcome.failure }, 'digest edit failed; will retry');
      break;
    }
  }
  if (next !== nextPostAt) await services.store.pace(channel, next);
  return next;
}

async function record(
  services: CoreServices,
  delivery: Delivery,
  outcome: DeliveryOutcome,
  pace: { channel: string; nextPostAt: number },
): Promise<void> {
  const attempts = delivery.attempts + 1;
  if (outcome.state === 'sent') {
    await services.store.markDelivery(
      delivery.id,
      { state: 'sent', attempts, nextAttemptAt: delivery.nextAttemptAt },
      pace,
    );
    return;
  }
  if (outcome.state === 'retry') {
    services.logger.warn(
      { delivery: delivery.id, kind: delivery.kind, reason: outcome.reason, retryAt: outcome.at },
      'Slack delivery will be retried',
    );
    await services.store.markDelivery(
      delivery.id,
      { state: 'pending', attempts, nextAttemptAt: outcome.at, lastError: outcome.reason },
      pace,
    );
    return;
  }
  services.logger.error(
    { delivery: delivery.id, kind: delivery.kind, alert: delivery.alertId, reason: outcome.reason },
    'Slack delivery failed permanently',
  );
  services.metrics?.deliveryFailed();
  await services.store.markDelivery(
    delivery.id,
    { state: 'failed', attempts, nextAttemptAt: delivery.nextAttemptAt, lastError: outcome.reason },
    pace,
  );
}
