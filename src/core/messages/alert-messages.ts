/**
 * The messages posted for an alert: the parent in the alert channel, the explanation in its thread, and
 * the short thread notes for resolved and repeated alerts.
 * @module
 */
import type { RankedFix } from '../fixes/rank.js';
import { describeRecord } from '../fixes/rank.js';
import type { Match } from '../knowledge/matcher.js';
import type { Entry } from '../knowledge/schema.js';
import type { StoredAlert } from '../ports.js';
import { type ControlOptions, parentControls } from './alert-controls.js';
import {
  actions,
  type Block,
  capBlocks,
  context,
  escapeMrkdwn,
  fallbackText,
  header,
  mrkdwnLink,
  type SlackPayload,
  safeUrl,
  section,
} from './blocks.js';
import { describeLayer, percent } from './layer.js';

/** The emoji a person reacts with to say "fix N worked"; index 0 is fix 1. */
export const NUMBER_REACTIONS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] as const;
export const RESOLVED_REACTION = 'white_check_mark';
export const FIXED_IT_ACTION = 'apierr_fixed_it';

const STATUS_EMOJI = { firing: ':red_circle:', resolved: ':large_green_circle:' } as const;

export function renderAlertParent(
  alert: StoredAlert,
  best: Match | undefined,
  now: number,
  controls: ControlOptions = { silence: false, silenceHours: [] },
): SlackPayload {
  const state = alert.status === 'resolved' ? `Resolved${resolvedAfter(alert, now)}` : 'Firing';
  const facts = [
    `*Status:* ${STATUS_EMOJI[alert.status]} ${state}`,
    alert.service ? `*Service:* ${escapeMrkdwn(alert.service)}` : undefined,
    alert.severity ? `*Severity:* ${escapeMrkdwn(alert.severity)}` : undefined,
    best ? `*Pattern:* ${escapeMrkdwn(best.title)} (${percent(best.confidence)} match)` : '*Pattern:* no known pattern',
  ].filter((line): line is string => line !== undefined);
  const blocks: Block[] = [
    header(`${alert.status === 'resolved' ? '✅' : '🚨'} ${escapeMrkdwn(alert.title)}`),
    section(facts.join('\n')),
  ];
  if (alert.description) blocks.push(section(escapeMrkdwn(alert.description)));
  // A link only to what safeUrl accepts; a relative or non-http(s) URL is no link at all, not a dead one.
  const links = [
    safeUrl(alert.url) ? mrkdwnLink(alert.url, `Open in ${alert.source}`) : `from ${escapeMrkdwn(alert.source)}`,
  ];
  if (alert.status === 'firing') links.push('explanation and fixes in the thread');
  blocks.push(context(links.join(' · ')));
  blocks.push(...parentControls(alert, controls, now));
  return {
    text: fallbackText(
      `${alert.status === 'resolved' ? 'Resolved' : 'Firing'}: ${escapeMrkdwn(alert.title)}${alert.service ? ` (${escapeMrkdwn(alert.service)})` : ''}`,
    ),
    blocks: capBlocks(blocks),
  };
}

export function renderAlertExplanation(
  alert: StoredAlert,
  entry: Entry | undefined,
  best: Match | undefined,
  fixes: readonly RankedFix[],
  runnersUp: readonly Match[],
): SlackPayload {
  if (!entry || !best) {
    return {
      text: fallbackText(`No known API error pattern matches "${escapeMrkdwn(alert.title)}".`),
      blocks: [
        section(
          `No API error pattern in the knowledge base matches *${escapeMrkdwn(alert.title)}* well.${
            runnersUp.length > 0
              ? `\nClosest guesses: ${runnersUp.map((m) => `${escapeMrkdwn(m.title)} (${percent(m.confidence)})`).join(', ')}`
              : ''
          }`,
        ),
        context('Add a pattern for it in `knowledge/` so the next one is explained.'),
      ],
    };
  }
  const blocks: Block[] = [];
  const low = best.confidence < 0.5;
  blocks.push(
    section(
      `*${escapeMrkdwn(entry.title)}*${low ? ' _(best guess, low confidence)_' : ''}\n${escapeMrkdwn(entry.summary)}`,
    ),
  );
  blocks.push(context(`*Likely layer:* ${describeLayer(entry.layer)}`, `*Matched on:* ${reasonsText(best)}`));
  blocks.push(section(`*Check first*\n${entry.first_checks.map((c, i) => `${i + 1}. ${escapeMrkdwn(c)}`).join('\n')}`));
  const fixLines = fixes.slice(0, NUMBER_REACTIONS.length).map((fix, i) => {
    const record = describeRecord(fix);
    return `:${NUMBER_REACTIONS[i]}: ${escapeMrkdwn(fix.text)}${record ? ` _(${record})_` : ''}`;
  });
  blocks.push(section(`*Fixes, best first*\n${fixLines.join('\n')}`));
  blocks.push(
    actions(
      `fixes:${alert.id}`,
      fixes.slice(0, NUMBER_REACTIONS.length).map((fix, i) => ({
        text: `Fix ${i + 1} worked`,
        actionId: `${FIXED_IT_ACTION}:${i + 1}`,
        value: `${alert.id}:${fix.id}`,
      })),
    ),
  );
  if (low && runnersUp.length > 0) {
    blocks.push(
      context(
        `It could also be: ${runnersUp.map((m) => `${escapeMrkdwn(m.title)} (${percent(m.confidence)})`).join(', ')}`,
      ),
    );
  }
  blocks.push(
    context(
      `When a fix works, react to this message with its number (:one: … :${NUMBER_REACTIONS[Math.min(fixes.length, NUMBER_REACTIONS.length) - 1]}:) or press its button; :${RESOLVED_REACTION}: marks it resolved with another fix.`,
    ),
  );
  return { text: fallbackText(escapeMrkdwn(`${entry.title}: ${entry.summary}`)), blocks: capBlocks(blocks) };
}

export function renderResolvedNote(alert: StoredAlert, now: number): SlackPayload {
  const text = `:large_green_circle: Resolved${resolvedAfter(alert, now)}. If a fix above did it, react with its number so the next on-call sees it first.`;
  return { text, blocks: [section(text)] };
}

export function renderRepeatNote(alert: StoredAlert): SlackPayload {
  const text = `:repeat: Still firing: notified ${alert.repeatCount + 1} times so far.`;
  return { text, blocks: [context(text)] };
}

export function renderReopenedNote(): SlackPayload {
  const text = ':red_circle: Firing again after it was resolved.';
  return { text, blocks: [section(text)] };
}

function resolvedAfter(alert: StoredAlert, now: number): string {
  const end = alert.resolvedAt ?? now;
  const start = alert.startsAt ? Date.parse(alert.startsAt) : alert.firstSeenAt;
  if (!Number.isFinite(start) || end < start) return '';
  return ` after ${formatDuration(end - start)}`;
}

export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.max(1, Math.round(ms / 1000))}s`;
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours}h` : `${hours}h ${minutes % 60}m`;
}

export function reasonsText(match: Match): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const reason of match.reasons) {
    const label =
      reason.kind === 'corrected'
        ? 'corrected by the team'
        : reason.kind === 'code'
          ? `status ${reason.detail.replace(/^status /, '')}`
          : reason.kind === 'alias'
            ? `code ${reason.detail}`
            : reason.kind === 'signal'
              ? 'error text'
              : 'similar wording';
    if (!seen.has(label)) {
      seen.add(label);
      parts.push(label);
    }
  }
  return escapeMrkdwn(`${parts.join(', ')} (${percent(match.confidence)})`);
}
