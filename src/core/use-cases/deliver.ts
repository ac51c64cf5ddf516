/**
 * Delivering the outbox: each queued step for an alert (post the parent and its explanation, edit it on
 * resolve, add a thread note) is carried out against Slack, resuming from what was already posted.
 *
 * Nothing is posted twice. Every Slack message ts is stored as soon as Slack returns it, so a retry skips
 * what already exists; and every post is recorded as attempted before Slack is called, so when an attempt's
 * outcome is unknown (the process died, or the answer was lost), the next one first looks for the message
 * by the key in its metadata (see `postOnce`). During an alert storm, alerts of one pattern join a digest
 * message instead of getting their own (see `postDigest`).
 * @module
 */

import type { Match } from '../knowledge/matcher.js';
import type { Entry } from '../knowledge/schema.js';
import { isListened } from '../listen/listened.js';
import {
  renderAlertExplanation,
  renderAlertParent,
  renderReopenedNote,
  renderRepeatNote,
  renderResolvedNote,
} from '../messages/alert-messages.js';
import type { SlackPayload } from '../messages/blocks.js';
import { renderDigestParent } from '../messages/digest-messages.js';
import { renderSeenAgainNote } from '../messages/listen-messages.js';
import type { Delivery, Digest, SlackFailure, SlackMessage, SlackPort, SlackResult, StoredAlert } from '../ports.js';
import { controlOptions } from './controls.js';
import { correctedEntryFor, correctedMatch, withCorrectionControl } from './correct-match.js';
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
  /** `slackCalls`: how many Slack messages were posted or edited, for pacing. */
  | { state: 'sent'; slackCalls: number }
  /** `holdChannel`: Slack rate-limited the channel, so nothing else should be posted there before `at`. */
  | { state: 'retry'; at: number; reason: string; holdChannel?: boolean }
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
  const calls = { count: 0 };
  const counted: CoreServices = { ...services, slack: countingSlack(services.slack, calls, delivery.requestId) };
  try {
    switch (delivery.kind) {
      case 'post':
        await postAlert(counted, alert, delivery.channel);
        break;
      case 'resolve':
      case 'reopen':
      case 'repeat': {
        if (alert.digestId !== undefined) {
          // A storm's alerts share one message: a change is an edit of the digest, made by the refresher.
          await services.store.touchDigest(alert.digestId);
          break;
        }
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
        await noteOnAlert(counted, alert, delivery as Delivery & { kind: typeof delivery.kind });
        break;
      }
    }
    return { state: 'sent', slackCalls: calls.count };
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
      return { state: 'retry', at: now + failure.retryAfterMs, reason: 'rate limited by Slack', holdChannel: true };
    case 'transient':
      if (attempt >= policy.maxAttempts)
        return { state: 'failed', reason: `gave up after ${attempt} attempts: ${failure.reason}` };
      return { state: 'retry', at: now + backoffDelay(attempt, policy), reason: failure.reason };
  }
}

export interface StormPolicy {
  /** More than this many alerts of one pattern in one channel within the window open a digest. */
  threshold: number;
  windowMs: number;
}

export const DEFAULT_STORM: StormPolicy = { threshold: 5, windowMs: 2 * 60_000 };

async function postAlert(services: CoreServices, alert: StoredAlert, channel: string): Promise<void> {
  const result = services.matcher.match(`${alert.title}\n${alert.description}`, { statusCode: alert.statusCode });
  // The team's correction for alerts of this kind comes first; the matcher's choice otherwise.
  const corrected = await correctedEntryFor(services, alert);
  const best = corrected
    ? correctedMatch(corrected)
    : result.matches[0] && result.matches[0].confidence >= 0.2
      ? result.matches[0]
      : undefined;
  if (corrected) result.matches = [best as Match, ...result.matches.filter((m) => m.id !== corrected.id)];
  const entry = best ? services.entries.get(best.id) : undefined;
  const now = services.clock.now();
  const storm = services.storm ?? DEFAULT_STORM;
  const entryKey = entry?.id ?? '';

  if (alert.digestId !== undefined) {
    // Already part of a storm (a retry after a crash): finish the digest if this alert opened it.
    const digest = await services.store.getDigest(alert.digestId);
    if (digest && digest.representativeAlertId === alert.id && (!digest.parentTs || !alert.explanationTs)) {
      await postDigest(services, digest, alert, entry, best, result.matches);
    } else await services.store.touchDigest(alert.digestId);
    return;
  }

  if (!alert.parentTs) {
    const placement = await services.store.placeInStorm({
      alertId: alert.id,
      channel,
      entryKey,
      now,
      windowMs: storm.windowMs,
      threshold: storm.threshold,
    });
    if (placement.kind === 'joined') {
      services.metrics?.alertMatched(entry?.id, best?.confidence);
      return;
    }
    if (placement.kind === 'opened') {
      services.metrics?.digestOpened();
      await postDigest(services, placement.digest, alert, entry, best, result.matches);
      return;
    }
  }

  let parentTs = alert.parentTs;
  let parentChannel = alert.channel ?? channel;
  if (!parentTs) {
    const teamId = await workspaceOf(services);
    const posted = await postOnce(services, {
      message: {
        channel,
        key: `${alert.dedupKey}#parent`,
        ...renderAlertParent(alert, best, now, controlOptions(services, alert)),
      },
      attemptedAt: alert.parentPostingAt,
      mark: (at) => services.store.markPosting({ alertId: alert.id, role: 'parent' }, at),
    });
    parentTs = posted.ts;
    parentChannel = posted.channel;
    await services.store.saveParent(alert.id, { channel: posted.channel, ts: posted.ts, teamId });
  }
  if (!alert.explanationTs)
    await postExplanation(services, alert, parentChannel, parentTs, entry, best, result.matches);
}

async function postExplanation(
  services: CoreServices,
  alert: StoredAlert,
  channel: string,
  parentTs: string,
  entry: Entry | undefined,
  best: Match | undefined,
  matches: readonly Match[],
): Promise<void> {
  const fixes = entry ? await rankedFixesFor(services, entry, alert.service) : [];
  const message = withCorrectionControl(
    renderAlertExplanation(alert, entry, best, fixes, matches.slice(best ? 1 : 0, 4)),
    { id: alert.id, entryId: entry?.id },
    services.entries,
  );
  const posted = await postOnce(services, {
    message: { channel, threadTs: parentTs, key: `${alert.dedupKey}#explanation`, ...message },
    attemptedAt: alert.explanationPostingAt,
    mark: (at) => services.store.markPosting({ alertId: alert.id, role: 'explanation' }, at),
  });
  await services.store.saveExplanation(alert.id, {
    ts: posted.ts,
    entryId: entry?.id,
    confidence: best?.confidence,
    fixOrder: fixes.slice(0, 9).map((fix) => fix.id),
  });
  services.metrics?.alertMatched(entry?.id, best?.confidence);
}

/** Posts a storm's digest message and, in its thread, the explanation of the alert that opened it. */
async function postDigest(
  services: CoreServices,
  digest: Digest,
  representative: StoredAlert,
  entry: Entry | undefined,
  best: Match | undefined,
  matches: readonly Match[],
): Promise<void> {
  let parentTs = digest.parentTs;
  if (!parentTs) {
    const teamId = await workspaceOf(services);
    const { members, ...counts } = await services.store.digestMembers(digest.id, DIGEST_LISTED);
    const posted = await postOnce(services, {
      message: {
        channel: digest.channel,
        key: `digest:${digest.id}#parent`,
        ...renderDigestParent(entry, best, members, counts, representative, services.clock.now()),
      },
      attemptedAt: digest.parentPostingAt,
      mark: (at) => services.store.saveDigestPosting(digest.id, at),
    });
    parentTs = posted.ts;
    await services.store.saveDigestParent({
      digestId: digest.id,
      ts: posted.ts,
      version: digest.version,
      representativeAlertId: representative.id,
      channel: digest.channel,
      teamId,
    });
  }
  if (!representative.explanationTs) {
    await postExplanation(services, representative, digest.channel, parentTs, entry, best, matches);
  }
}

/** How many alerts a digest message lists by name (the rest are counted). */
export const DIGEST_LISTED = 1000;

/** Edits a digest whose alerts changed since its message was last written. */
export async function refreshDigest(services: CoreServices, digest: Digest): Promise<SlackResult<void>> {
  const { members, ...counts } = await services.store.digestMembers(digest.id, DIGEST_LISTED);
  const representative = await services.store.getAlert(digest.representativeAlertId);
  const entry = representative?.entryId ? services.entries.get(representative.entryId) : undefined;
  const confidence = representative?.confidence;
  const best =
    entry && confidence !== undefined ? { id: entry.id, title: entry.title, confidence, reasons: [] } : undefined;
  const result = await services.slack.updateMessage({
    channel: digest.channel,
    ts: digest.parentTs as string,
    ...renderDigestParent(entry, best, members, counts, representative, services.clock.now()),
  });
  if (result.ok) await services.store.markDigestRefreshed(digest.id, digest.version);
  return result;
}

async function noteOnAlert(
  services: CoreServices,
  alert: StoredAlert,
  delivery: Delivery & { kind: 'resolve' | 'reopen' | 'repeat' },
): Promise<void> {
  const channel = alert.channel as string;
  const parentTs = alert.parentTs as string;
  const now = services.clock.now();
  const listened = isListened(alert);
  // A listened alert's parent is another tool's message, which apierr cannot edit: notes only.
  if (delivery.kind !== 'repeat' && !listened) {
    // An edit is idempotent: repeating it after a crash changes nothing.
    const top = alert.entryId
      ? services.matcher.match(`${alert.title}\n${alert.description}`, { statusCode: alert.statusCode }).matches[0]
      : undefined;
    // An entry the team chose (a correction) is not the matcher's top match: keep showing the team's.
    const chosen = alert.entryId && top?.id !== alert.entryId ? services.entries.get(alert.entryId) : undefined;
    const best = chosen ? correctedMatch(chosen) : top;
    unwrap(
      await services.slack.updateMessage({
        channel,
        ts: parentTs,
        ...renderAlertParent(alert, best, now, controlOptions(services, alert)),
      }),
    );
  }
  const note: SlackPayload =
    delivery.kind === 'resolve'
      ? renderResolvedNote(alert, now)
      : delivery.kind === 'reopen'
        ? renderReopenedNote()
        : listened
          ? renderSeenAgainNote()
          : renderRepeatNote(alert);
  await postOnce(services, {
    message: { channel, threadTs: parentTs, key: `${alert.dedupKey}#${delivery.kind}#${delivery.id}`, ...note },
    attemptedAt: delivery.postingAt,
    mark: (at) => services.store.markPosting({ deliveryId: delivery.id }, at),
  });
}

/**
 * Posts a message at most once. The attempt is recorded before Slack is called; when an earlier attempt
 * exists, its outcome is unknown (the process may have died after Slack's answer and before the ts was
 * saved), so Slack is searched for the message's key first and only a miss is posted again.
 */
async function postOnce(
  services: CoreServices,
  post: {
    message: SlackMessage & { key: string };
    attemptedAt: number | undefined;
    mark: (at: number) => Promise<void>;
  },
): Promise<{ channel: string; ts: string }> {
  const { message } = post;
  if (post.attemptedAt !== undefined) {
    const found = unwrap(
      await services.slack.findMessage({
        channel: message.channel,
        key: message.key,
        threadTs: message.threadTs,
        since: post.attemptedAt - 60_000,
      }),
    );
    if (found) {
      services.logger.info({ key: message.key, ts: found.ts }, 'found the message an interrupted attempt had posted');
      return { channel: message.channel, ts: found.ts };
    }
  } else {
    await post.mark(services.clock.now());
  }
  return unwrap(await services.slack.postMessage(message));
}

/**
 * The workspace the bot posts in, needed before a parent is posted: reactions on the message are recorded
 * only for that team, so a parent saved without it could never record a fix. auth.test failing is a
 * reason to retry, not to store nothing.
 */
async function workspaceOf(services: CoreServices): Promise<string> {
  const teamId = await services.slack.teamId();
  if (!teamId) throw new StepFailed({ kind: 'transient', reason: 'the workspace is unknown (auth.test failed)' });
  return teamId;
}

/**
 * Counts the messages a delivery posts or edits, so the pacer charges the channel for what was sent, and tags
 * each with the webhook request that queued the delivery (its metadata carries the id into Slack).
 */
function countingSlack(slack: SlackPort, calls: { count: number }, requestId: string | undefined): SlackPort {
  const tagged = <M extends SlackMessage>(message: M): M =>
    requestId && message.requestId === undefined ? { ...message, requestId } : message;
  return {
    ...slack,
    teamId: () => slack.teamId(),
    findMessage: (query) => slack.findMessage(query),
    postMessage: (message) => {
      calls.count++;
      return slack.postMessage(tagged(message));
    },
    updateMessage: (message) => {
      calls.count++;
      return slack.updateMessage(tagged(message));
    },
  };
}

function unwrap<T>(result: SlackResult<T>): T {
  if (!result.ok) throw new StepFailed(result.failure);
  return result.value;
}
