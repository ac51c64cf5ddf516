/**
 * "Wrong pattern?" under an explanation: a static select of every entry in option groups by layer (Slack
 * allows 100 options, so no options load is needed; the menu is searchable by typing), plus "Undo the
 * correction" once the team corrected the match.
 * @module
 */
import type { Entry, Layer } from '../knowledge/schema.js';
import type { CorrectionTally } from '../ports.js';
import { type Block, capBlocks, context, escapeMrkdwn, type SlackPayload, section, truncate } from './blocks.js';

export const CORRECT_ACTION = 'apierr_correct';
export const UNDO_VALUE = '__undo__';

const GROUPS: Record<Layer, string> = {
  client: 'Client',
  auth: 'Auth',
  gateway: 'Gateway',
  app: 'Application',
  dependency: 'Dependency',
  browser: 'Browser',
};

const MAX_OPTIONS = 100;

/** The select menu block: `block_id` names the alert, each option's value an entry id. */
export function correctionControl(
  alertId: number,
  entries: Iterable<Entry>,
  currentId: string | undefined,
  corrected: boolean,
): Block {
  const byLayer = new Map<Layer, Entry[]>();
  let count = 0;
  for (const entry of entries) {
    if (entry.id === currentId || count >= MAX_OPTIONS - 1) continue;
    count++;
    const list = byLayer.get(entry.layer) ?? [];
    list.push(entry);
    byLayer.set(entry.layer, list);
  }
  const option = (text: string, value: string) => ({
    text: { type: 'plain_text', text: truncate(text, 75), emoji: true },
    value,
  });
  const groups = [...byLayer.entries()].map(([layer, list]) => ({
    label: { type: 'plain_text', text: GROUPS[layer] },
    options: list.sort((a, b) => a.title.localeCompare(b.title)).map((e) => option(e.title, e.id)),
  }));
  if (corrected)
    groups.unshift({
      label: { type: 'plain_text', text: 'Correction' },
      options: [option('Undo the correction', UNDO_VALUE)],
    });
  return {
    type: 'actions',
    block_id: `correct:${alertId}`,
    elements: [
      {
        type: 'static_select',
        action_id: CORRECT_ACTION,
        placeholder: { type: 'plain_text', text: 'Wrong pattern? Pick the right one', emoji: true },
        option_groups: groups,
      },
    ],
  };
}

/** A line under a corrected explanation: who chose it, so the next reader knows it is the team's call. */
export function correctedNote(userId: string, fromTitle: string | undefined): Block {
  return context(
    `:pencil2: Corrected by <@${userId.replace(/[^A-Z0-9]/gi, '')}>${fromTitle ? ` (apierr had matched ${escapeMrkdwn(fromTitle)})` : ''}; pick again or undo below.`,
  );
}

/** `/apierr stats` with the team's corrections under it: where the knowledge base's matching is weak. */
export function withCorrections(
  stats: SlackPayload,
  corrections: readonly CorrectionTally[],
  entries: ReadonlyMap<string, Entry>,
): SlackPayload {
  if (corrections.length === 0) return stats;
  const name = (id: string | undefined) => (id ? escapeMrkdwn(entries.get(id)?.title ?? id) : 'no pattern');
  const lines = corrections.slice(0, 15).map((c) => `• ${name(c.fromEntry)} → ${name(c.toEntry)} (${c.count})`);
  return {
    text: stats.text,
    blocks: capBlocks([
      ...stats.blocks,
      section(`*Corrected by the team* (matched → right pattern)\n${lines.join('\n')}`),
    ]),
  };
}
