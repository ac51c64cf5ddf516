/**
 * Recording which fix resolved which alert, from a reaction on the explanation or a "Fix N worked" button.
 *
 * Only acts on messages apierr posted, for the team it posted them in (object-level authorization: a
 * reaction from another workspace, or on somebody else's message, changes nothing).
 * @module
 */
import { NUMBER_REACTIONS, RESOLVED_REACTION } from '../messages/alert-messages.js';
import type { StoredAlert } from '../ports.js';
import type { CoreServices } from './services.js';

export type FixRecordOutcome =
  | { kind: 'recorded'; alertId: number; entryId: string; fixId: string | undefined }
  | { kind: 'removed'; alertId: number; entryId: string; fixId: string | undefined }
  | { kind: 'ignored'; reason: IgnoreReason };

export type IgnoreReason =
  | 'retry'
  | 'not-a-fix-reaction'
  | 'unknown-message'
  | 'other-team'
  | 'no-pattern'
  | 'no-such-fix'
  | 'bot-reaction'
  | 'not-the-explanation';

export interface ReactionInput {
  eventId: string | undefined;
  teamId: string;
  userId: string;
  channel: string;
  messageTs: string;
  /** Emoji name without colons, possibly with a skin tone suffix. */
  reaction: string;
  added: boolean;
  /** The bot's own user id: its reactions never count. */
  botUserId?: string | undefined;
}

/** The fix a reaction names: a number reaction picks fixOrder[n-1]; :white_check_mark: means "no listed fix". */
export function fixForReaction(
  reaction: string,
  fixOrder: readonly string[],
): { fixId: string | undefined } | undefined {
  const name = reaction.split('::')[0] ?? reaction;
  if (name === RESOLVED_REACTION || name === 'heavy_check_mark') return { fixId: undefined };
  const position = (NUMBER_REACTIONS as readonly string[]).indexOf(name);
  if (position < 0) return undefined;
  const fixId = fixOrder[position];
  return fixId ? { fixId } : undefined;
}

export async function recordReaction(
  services: Pick<CoreServices, 'store' | 'clock' | 'metrics'>,
  input: ReactionInput,
): Promise<FixRecordOutcome> {
  if (input.botUserId && input.userId === input.botUserId) return { kind: 'ignored', reason: 'bot-reaction' };
  const name = input.reaction.split('::')[0] ?? '';
  if (
    name !== RESOLVED_REACTION &&
    name !== 'heavy_check_mark' &&
    !(NUMBER_REACTIONS as readonly string[]).includes(name)
  ) {
    return { kind: 'ignored', reason: 'not-a-fix-reaction' };
  }
  const alert = await services.store.findAlertByMessage(input.channel, input.messageTs);
  const refusal = refuse(alert, input.teamId, input.messageTs);
  if (refusal) return refusal;
  const target = alert as StoredAlert & { entryId: string };
  const fix = fixForReaction(input.reaction, target.fixOrder);
  if (!fix) return { kind: 'ignored', reason: 'no-such-fix' };
  // Claim the event last: an ignored reaction costs no row, and a Slack retry of a counted one is dropped.
  if (input.eventId && !(await services.store.claimEvent(input.eventId, services.clock.now()))) {
    return { kind: 'ignored', reason: 'retry' };
  }
  return apply(services, target, fix.fixId, input.userId, input.teamId, input.added);
}

export interface FixButtonInput {
  teamId: string;
  userId: string;
  channel: string;
  messageTs: string;
  /** The button's value: `<alert id>:<fix id>`. */
  value: string;
}

export async function recordFixButton(
  services: Pick<CoreServices, 'store' | 'clock' | 'metrics'>,
  input: FixButtonInput,
): Promise<FixRecordOutcome> {
  const alert = await services.store.findAlertByMessage(input.channel, input.messageTs);
  const refusal = refuse(alert, input.teamId, input.messageTs);
  if (refusal) return refusal;
  const target = alert as StoredAlert & { entryId: string };
  const [alertId, fixId] = input.value.split(':');
  // The value is client-supplied: trust it only when it names this very alert and one of its shown fixes.
  if (Number(alertId) !== target.id || !fixId || !target.fixOrder.includes(fixId))
    return { kind: 'ignored', reason: 'no-such-fix' };
  return apply(services, target, fixId, input.userId, input.teamId, true);
}

/**
 * Votes belong to the explanation, the message that lists the numbered fixes: a reaction on the parent
 * (the alert itself, where people habitually put a ✅ when it is over) records nothing.
 *
 * `teamId` is the workspace the request came from (`team.id` of a button press, `team_id` of an event),
 * which Slack's signature vouches for, not the presser's home workspace (`user.team_id`): in a Slack
 * Connect channel or an Enterprise Grid org, a colleague from another workspace who can see the alert
 * and press its button is one of the people on call, so their vote counts.
 */
function refuse(alert: StoredAlert | undefined, teamId: string, messageTs: string): FixRecordOutcome | undefined {
  if (!alert?.explanationTs) return { kind: 'ignored', reason: 'unknown-message' };
  if (alert.teamId !== teamId) return { kind: 'ignored', reason: 'other-team' };
  if (alert.explanationTs !== messageTs) return { kind: 'ignored', reason: 'not-the-explanation' };
  if (!alert.entryId) return { kind: 'ignored', reason: 'no-pattern' };
  return undefined;
}

async function apply(
  services: Pick<CoreServices, 'store' | 'clock' | 'metrics'>,
  alert: StoredAlert & { entryId: string },
  fixId: string | undefined,
  userId: string,
  teamId: string,
  added: boolean,
): Promise<FixRecordOutcome> {
  if (added) {
    await services.store.recordFix({
      alertId: alert.id,
      entryId: alert.entryId,
      fixId,
      service: alert.service,
      userId,
      teamId,
      at: services.clock.now(),
    });
    services.metrics?.fixRecorded(alert.entryId);
    return { kind: 'recorded', alertId: alert.id, entryId: alert.entryId, fixId };
  }
  await services.store.removeFix({ alertId: alert.id, fixId, userId });
  services.metrics?.correction();
  return { kind: 'removed', alertId: alert.id, entryId: alert.entryId, fixId };
}
