/**
 * What `/apierr` answers: an explanation, a comparison, best guesses, help, or the fix statistics.
 * @module
 */

import type { RankedFix } from '../fixes/rank.js';
import { describeRecord } from '../fixes/rank.js';
import type { Explanation } from '../knowledge/explain.js';
import type { Entry } from '../knowledge/schema.js';
import type { AlertAction, Delivery, EntryStats } from '../ports.js';
import { actionLines } from './alert-controls.js';
import { formatDuration, reasonsText } from './alert-messages.js';
import {
  actions,
  type Block,
  capBlocks,
  context,
  divider,
  escapeMrkdwn,
  fallbackText,
  header,
  listSections,
  type SlackPayload,
  section,
} from './blocks.js';
import { describeLayer, percent } from './layer.js';

export const SHARE_ACTION = 'apierr_share';

export const COMMAND_EXAMPLES = [
  '`/apierr 429`',
  '`/apierr AUTH-401`',
  '`/apierr cors preflight`',
  '`/apierr 401 vs 403`',
  '`/apierr stats`',
];

/**
 * What the "Share in channel" button carries: the id of what the person saw (one entry, or two compared),
 * never their query. Sharing re-renders exactly that, so a share can neither turn into "no match" nor
 * put the query's text in the channel.
 */
export type ShareTarget = { kind: 'entry'; entryId: string } | { kind: 'comparison'; leftId: string; rightId: string };

const ENTRY_SHARE = 'entry:';
const COMPARISON_SHARE = 'vs:';

/** The button value for `target`: `entry:<id>` or `vs:<id>:<id>` (entry ids have no colon). */
export function shareValue(target: ShareTarget): string {
  return target.kind === 'entry'
    ? `${ENTRY_SHARE}${target.entryId}`
    : `${COMPARISON_SHARE}${target.leftId}:${target.rightId}`;
}

/** The target a button value names, or undefined for anything else (an old button carrying a query). */
export function parseShareValue(value: string): ShareTarget | undefined {
  if (value.startsWith(ENTRY_SHARE)) {
    const entryId = value.slice(ENTRY_SHARE.length);
    return /^[a-z0-9][a-z0-9._-]{0,99}$/i.test(entryId) ? { kind: 'entry', entryId } : undefined;
  }
  if (value.startsWith(COMPARISON_SHARE)) {
    const ids = value.slice(COMPARISON_SHARE.length).split(':');
    const [leftId, rightId] = ids;
    if (ids.length !== 2 || !leftId || !rightId) return undefined;
    return { kind: 'comparison', leftId, rightId };
  }
  return undefined;
}

export function renderExplanation(
  explanation: Explanation,
  fixes: readonly RankedFix[],
  shareable: boolean,
): SlackPayload {
  const target: ShareTarget | undefined =
    explanation.kind === 'entry'
      ? { kind: 'entry', entryId: explanation.entry.id }
      : explanation.kind === 'comparison'
        ? { kind: 'comparison', leftId: explanation.left.id, rightId: explanation.right.id }
        : undefined;
  const share =
    shareable && target
      ? [
          actions('share', [
            { text: 'Share in channel', actionId: SHARE_ACTION, value: shareValue(target), style: 'primary' },
          ]),
        ]
      : [];
  switch (explanation.kind) {
    case 'entry': {
      const { entry, match, runnersUp, lowConfidence } = explanation;
      const blocks: Block[] = [header(entry.title)];
      if (lowConfidence)
        blocks.push(context(':warning: Low confidence: this is the best guess; alternatives are below.'));
      blocks.push(section(escapeMrkdwn(entry.summary)));
      blocks.push(
        match.reasons.length > 0
          ? context(`*Likely layer:* ${describeLayer(entry.layer)}`, `*Matched on:* ${reasonsText(match)}`)
          : context(`*Likely layer:* ${describeLayer(entry.layer)}`),
      );
      blocks.push(
        section(`*Check first*\n${entry.first_checks.map((c, i) => `${i + 1}. ${escapeMrkdwn(c)}`).join('\n')}`),
      );
      blocks.push(section(`*Fixes, best first*\n${fixLines(fixes).join('\n')}`));
      const compare = Object.entries(entry.compare).slice(0, 4);
      if (compare.length > 0) {
        blocks.push(
          section(
            `*Not to be confused with*\n${compare.map(([id, rule]) => `• \`${id}\`: ${escapeMrkdwn(rule)}`).join('\n')}`,
          ),
        );
      }
      if (lowConfidence && runnersUp.length > 0) {
        blocks.push(
          context(
            `It could also be: ${runnersUp.map((m) => `${escapeMrkdwn(m.title)} (${percent(m.confidence)})`).join(', ')}`,
          ),
        );
      }
      return {
        text: fallbackText(escapeMrkdwn(`${entry.title}: ${entry.summary}`)),
        blocks: capBlocks([...blocks, ...share]),
      };
    }
    case 'comparison': {
      const { left, right, rules } = explanation;
      const blocks: Block[] = [header(escapeMrkdwn(`${left.title} vs ${right.title}`))];
      blocks.push(
        section(
          rules.length > 0
            ? rules.map((rule) => `• ${escapeMrkdwn(rule.text)}`).join('\n')
            : 'No rule in the knowledge base sets these two apart; here is what each one means.',
        ),
      );
      for (const entry of [left, right]) blocks.push(divider(), ...entrySummary(entry));
      return {
        text: fallbackText(escapeMrkdwn(`${left.title} vs ${right.title}`)),
        blocks: capBlocks([...blocks, ...share]),
      };
    }
    case 'none':
      return renderNoMatch(
        explanation.query,
        explanation.suggestions.map((s) => `${s.title} (${percent(s.confidence)})`),
      );
  }
}

function entrySummary(entry: Entry): Block[] {
  return [
    section(`*${escapeMrkdwn(entry.title)}*\n${escapeMrkdwn(entry.summary)}`),
    context(
      `*Likely layer:* ${describeLayer(entry.layer)}`,
      `*Check first:* ${escapeMrkdwn(entry.first_checks[0] ?? '')}`,
    ),
  ];
}

function fixLines(fixes: readonly RankedFix[]): string[] {
  return fixes.map((fix, i) => {
    const record = describeRecord(fix);
    return `${i + 1}. ${escapeMrkdwn(fix.text)}${record ? ` _(${record})_` : ''}`;
  });
}

export function renderNoMatch(query: string, guesses: readonly string[]): SlackPayload {
  const lines = [`Nothing in the knowledge base explains *${escapeMrkdwn(query)}* with confidence.`];
  if (guesses.length > 0) lines.push(`Closest guesses: ${guesses.map(escapeMrkdwn).join(', ')}`);
  return {
    text: fallbackText(`No confident match for "${escapeMrkdwn(query)}"`),
    blocks: [
      section(lines.join('\n')),
      context(
        `Try a status code, a vendor code, a phrase from the error or a comparison: ${COMMAND_EXAMPLES.slice(0, 4).join(' ')}`,
      ),
    ],
  };
}

export function renderHelp(): SlackPayload {
  return {
    text: 'apierr explains API errors',
    blocks: [
      section(
        [
          '*apierr* explains API errors: what they usually mean, which layer produced them, what to check first, and the fixes that worked here before.',
          '',
          '• `/apierr &lt;status code, vendor code or error text&gt;`: explain it (`/apierr 429`, `/apierr ECONNREFUSED`, `/apierr jwt expired`)',
          '• `/apierr &lt;a&gt; vs &lt;b&gt;`: tell two look-alikes apart (`/apierr 401 vs 403`)',
          '• `/apierr stats`: which fixes resolved alerts, and deliveries that failed',
          '• `/apierr help`: this message',
        ].join('\n'),
      ),
      context(
        'Under an alert, react with a fix number (:one: :two: …) or press its button to record the fix that worked.',
      ),
    ],
  };
}

export function renderStats(
  stats: readonly EntryStats[],
  titles: ReadonlyMap<string, Entry>,
  failed: readonly (Delivery & { alertTitle: string })[],
  acting: { ackMedians: ReadonlyMap<string, number>; actions: readonly AlertAction[]; now: number } = {
    ackMedians: new Map(),
    actions: [],
    now: 0,
  },
): SlackPayload {
  const blocks: Block[] = [header('apierr stats')];
  if (stats.length === 0) {
    blocks.push(section('No alerts have been explained yet.'));
  } else {
    const lines = stats.map((s) => {
      const entry = titles.get(s.entryId);
      const best = s.fixes[0];
      const fixText = best ? (entry?.fixes.find((f) => f.id === best.fixId)?.text ?? best.fixId) : undefined;
      const ack = acting.ackMedians.get(s.entryId);
      return `• *${escapeMrkdwn(entry?.title ?? s.entryId)}*: ${s.alerts} alert${s.alerts === 1 ? '' : 's'}${
        best && fixText ? `; best fix: ${escapeMrkdwn(fixText)} (${best.resolved} of ${s.marked})` : ''
      }${ack !== undefined ? `; acknowledged in ${formatDuration(ack * 1000)} (median)` : ''}`;
    });
    blocks.push(...listSections(lines, 20));
  }
  if (failed.length > 0) {
    blocks.push(divider());
    blocks.push(
      ...listSections(
        failed.map(
          (d) =>
            `• :warning: ${d.state === 'failed' ? 'failed' : 'retrying'} ${d.kind} for *${escapeMrkdwn(d.alertTitle)}*${d.lastError ? `: ${escapeMrkdwn(d.lastError)}` : ''}`,
        ),
        10,
      ),
    );
  }
  if (acting.actions.length > 0) {
    blocks.push(divider());
    blocks.push(section('*Acknowledgements and silences*'));
    blocks.push(...listSections(actionLines(acting.actions, acting.now), 10));
  }
  return { text: 'apierr stats', blocks: capBlocks(blocks) };
}
