/**
 * The digest message that stands for many alerts of one pattern during a storm: one parent listing every
 * alert (cut to Slack's limits with a count of the rest), edited as alerts join or resolve.
 * @module
 */
import type { Match } from '../knowledge/matcher.js';
import type { Entry } from '../knowledge/schema.js';
import type { DigestMember, StoredAlert } from '../ports.js';
import { parentControls } from './alert-controls.js';
import {
  type Block,
  capBlocks,
  context,
  escapeMrkdwn,
  fallbackText,
  header,
  LIMITS,
  listSections,
  type SlackPayload,
  section,
} from './blocks.js';
import { percent } from './layer.js';

/** Blocks kept for the header, the summary and the footer; the rest hold the list of alerts. */
const FIXED_BLOCKS = 4;

export function renderDigestParent(
  entry: Entry | undefined,
  best: Match | undefined,
  members: readonly DigestMember[],
  counts: { total: number; firing: number },
  /** The alert that opened the digest: acknowledging it acknowledges them all. */
  representative?: StoredAlert,
  now = Date.now(),
): SlackPayload {
  // Counted over every alert of the digest, not only the listed ones.
  const { total, firing } = counts;
  const resolved = total - firing;
  const pattern = entry ? `${entry.title}${best ? ` (${percent(best.confidence)} match)` : ''}` : 'no known pattern';
  const lines = members.map((m) => {
    const where = [m.service, m.severity].filter(Boolean).join(', ');
    return `${m.status === 'resolved' ? ':large_green_circle:' : ':red_circle:'} ${escapeMrkdwn(m.title)}${where ? ` (${escapeMrkdwn(where)})` : ''}`;
  });
  const listed = listSections(lines, LIMITS.blocks - FIXED_BLOCKS);
  const unlisted = total - members.length;
  const blocks: Block[] = [
    header(escapeMrkdwn(`🌩️ Alert storm: ${total} alerts, ${entry?.title ?? 'unrecognized errors'}`)),
    section(
      `*Pattern:* ${escapeMrkdwn(pattern)}\n*Firing:* ${firing}   *Resolved:* ${resolved}${unlisted > 0 ? `   *Not listed:* ${unlisted}` : ''}`,
    ),
    ...listed,
    context(
      'Many alerts of one pattern arrived at once, so they share this message. Explanation and fixes are in the thread.',
    ),
    // Acknowledging the digest acknowledges every alert in it; silences stay per alert in Alertmanager.
    ...(representative ? parentControls(representative, { silence: false, silenceHours: [] }, now) : []),
  ];
  return {
    text: fallbackText(
      escapeMrkdwn(`Alert storm: ${total} alerts matching ${entry?.title ?? 'no known pattern'} (${firing} firing)`),
    ),
    blocks: capBlocks(blocks),
  };
}
