/**
 * What apierr does with each Slack request, free of any transport: Bolt (HTTP or Socket Mode) on Node and
 * the Workers route both call these, so the two paths cannot drift.
 * @module
 */

import { type Explanation, rulesBetween } from '../core/knowledge/explain.js';
import { escapeMrkdwn, type SlackPayload, section } from '../core/messages/blocks.js';
import { parseShareValue, renderExplanation, renderHelp, renderStats } from '../core/messages/command-messages.js';
import { withCorrections } from '../core/messages/correction-messages.js';
import { withChannelSummary } from '../core/messages/home-messages.js';
import { slashCommandKind } from '../core/metrics.js';
import { explainQuery, rankedFixesFor } from '../core/use-cases/explain-query.js';
import { type FixRecordOutcome, recordFixButton, recordReaction } from '../core/use-cases/record-fix.js';
import type { CoreServices } from '../core/use-cases/services.js';

export interface CommandAnswer extends SlackPayload {
  response_type: 'ephemeral' | 'in_channel';
}

/**
 * The longest query apierr reads: a pasted error is a few lines, and every regex after this (the
 * "X vs Y" split, the matcher's signals) then runs on a bounded input, so no query can hold the event loop.
 */
export const MAX_QUERY_CHARS = 4000;

/** `/apierr <query>`: help, stats, or an explanation (ephemeral, with a button to share it). */
export async function handleSlashCommand(
  services: CoreServices,
  text: string,
  /** The channel the command was typed in: `/apierr stats` adds that channel's numbers. */
  channelId?: string,
): Promise<CommandAnswer> {
  const query = text.slice(0, MAX_QUERY_CHARS).trim();
  const word = query.toLowerCase();
  services.metrics?.slashCommand(slashCommandKind(word));
  if (word === '' || word === 'help' || word === '--help' || word === '?')
    return { response_type: 'ephemeral', ...renderHelp() };
  if (word === 'stats') {
    const [stats, deliveries, ackMedians, actions, corrections, here] = await Promise.all([
      services.store.stats(),
      services.store.listDeliveries(['failed', 'pending'], 200),
      services.store.ackMedians(),
      services.store.recentActions(10),
      services.store.correctionStats(),
      channelId ? services.store.channelSummary(channelId) : undefined,
    ]);
    // Failed deliveries, and pending ones that are being retried (they carry the last error): what needs a look.
    const troubled = deliveries.filter((d) => d.state === 'failed' || d.lastError !== undefined).slice(0, 20);
    return {
      response_type: 'ephemeral',
      ...withChannelSummary(
        withCorrections(
          renderStats(stats, services.entries, troubled, { ackMedians, actions, now: services.clock.now() }),
          corrections,
          services.entries,
        ),
        here,
      ),
    };
  }
  const { explanation, fixes } = await explainQuery(services, query);
  return { response_type: 'ephemeral', ...renderExplanation(explanation, fixes, true) };
}

/**
 * The "Share in channel" button: what the person was shown, visible to everyone. `value` is the button's
 * value, which names the entry (`entry:<id>`) or the two compared (`vs:<id>:<id>`), not the query. A value
 * that names nothing apierr knows (an old button that carried a query, a forged one) is answered
 * ephemerally and never posted in the channel.
 */
export async function handleShare(services: CoreServices, value: string): Promise<CommandAnswer> {
  const target = parseShareValue(value);
  if (target?.kind === 'entry') {
    const entry = services.entries.get(target.entryId);
    if (entry) {
      const fixes = await rankedFixesFor(services, entry);
      const explanation: Explanation = {
        kind: 'entry',
        entry,
        // No reasons: the shared message shows what the entry says, not how a query matched it.
        match: { id: entry.id, title: entry.title, confidence: 1, reasons: [] },
        runnersUp: [],
        lowConfidence: false,
      };
      return { response_type: 'in_channel', ...renderExplanation(explanation, fixes, false) };
    }
  }
  if (target?.kind === 'comparison') {
    const left = services.entries.get(target.leftId);
    const right = services.entries.get(target.rightId);
    if (left && right && left.id !== right.id) {
      const explanation: Explanation = { kind: 'comparison', left, right, rules: rulesBetween(left, right) };
      return { response_type: 'in_channel', ...renderExplanation(explanation, [], false) };
    }
  }
  services.logger.info({ value: value.slice(0, 100) }, 'share button names no entry: answered privately');
  const text = 'That explanation can no longer be shared: run the command again and share the new answer.';
  return { response_type: 'ephemeral', text, blocks: [section(text)] };
}

export interface ReactionEnvelope {
  event_id?: string | undefined;
  team_id?: string | undefined;
  event: {
    type: string;
    user: string;
    reaction: string;
    item: { type: string; channel?: string; ts?: string };
  };
}

export async function handleReaction(
  services: CoreServices,
  body: ReactionEnvelope,
  botUserId?: string,
): Promise<FixRecordOutcome> {
  const { event } = body;
  if (event.item.type !== 'message' || !event.item.channel || !event.item.ts || !body.team_id) {
    return { kind: 'ignored', reason: 'unknown-message' };
  }
  const outcome = await recordReaction(services, {
    eventId: body.event_id,
    teamId: body.team_id,
    userId: event.user,
    channel: event.item.channel,
    messageTs: event.item.ts,
    reaction: event.reaction,
    added: event.type === 'reaction_added',
    botUserId,
  });
  services.logger.info({ outcome, reaction: event.reaction, user: event.user }, 'reaction handled');
  return outcome;
}

export interface FixButtonPress {
  teamId: string;
  userId: string;
  channel: string;
  messageTs: string;
  value: string;
}

export async function handleFixButton(
  services: CoreServices,
  press: FixButtonPress,
): Promise<{ outcome: FixRecordOutcome; reply: string }> {
  const outcome = await recordFixButton(services, press);
  services.logger.info({ outcome, user: press.userId }, 'fix button handled');
  if (outcome.kind === 'recorded') {
    const entry = services.entries.get(outcome.entryId);
    const fix = entry?.fixes.find((f) => f.id === outcome.fixId);
    return {
      outcome,
      reply: `Thanks: recorded "${escapeMrkdwn(fix?.text ?? outcome.fixId ?? '')}" as the fix that resolved this alert.`,
    };
  }
  return { outcome, reply: 'That button does not belong to an alert apierr can record a fix for.' };
}
