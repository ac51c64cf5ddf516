/**
 * The App Home tab: what the team has learned, readable at a glance. Counts this week and in all, the
 * patterns seen most with the fixes that worked (text bars, best first) and the median time to resolve, the
 * alerts no pattern explained (the knowledge base's gaps), the team's corrections, failed deliveries, and
 * alerts per channel.
 * @module
 */
import type { Entry } from '../knowledge/schema.js';
import type { ChannelSummary, HomeStats } from '../ports.js';
import { formatDuration } from './alert-messages.js';
import { type Block, capBlocks, context, divider, escapeMrkdwn, header, type SlackPayload, section } from './blocks.js';

const BAR_WIDTH = 12;

/** A text bar: `████░░░░` of `value` out of `max`. */
export function bar(value: number, max: number, width = BAR_WIDTH): string {
  const filled = max <= 0 ? 0 : Math.max(value > 0 ? 1 : 0, Math.round((value / max) * width));
  return `\`${'█'.repeat(filled)}${'░'.repeat(width - filled)}\``;
}

const titleOf = (entries: ReadonlyMap<string, Entry>, id: string | undefined) =>
  id === undefined ? 'no pattern' : escapeMrkdwn(entries.get(id)?.title ?? id);

export function renderHome(stats: HomeStats, entries: ReadonlyMap<string, Entry>): { type: 'home'; blocks: Block[] } {
  const blocks: Block[] = [header('What apierr has learned')];
  blocks.push(
    section(
      [
        `*This week:* ${stats.alerts.since} alerts, ${stats.explanations.since} explanations`,
        `*In all:* ${stats.alerts.total} alerts, ${stats.explanations.total} explanations, ${stats.unmatched} with no known pattern`,
      ].join('\n'),
    ),
  );

  blocks.push(divider(), section('*Patterns seen most*'));
  if (stats.patterns.length === 0) blocks.push(context('No alert has matched a pattern yet.'));
  const most = Math.max(1, ...stats.patterns.map((p) => p.alerts));
  for (const pattern of stats.patterns.slice(0, 10)) {
    const entry = entries.get(pattern.entryId);
    const resolve =
      pattern.medianResolveMs === undefined
        ? 'not resolved yet'
        : `median ${formatDuration(pattern.medianResolveMs)} to resolve`;
    const lines = [
      `${bar(pattern.alerts, most)} *${titleOf(entries, pattern.entryId)}*: ${pattern.alerts} alert${pattern.alerts === 1 ? '' : 's'}, ${resolve}`,
    ];
    const best = Math.max(1, ...pattern.fixes.map((f) => f.resolved));
    for (const fix of pattern.fixes.slice(0, 3)) {
      const text = entry?.fixes.find((f) => f.id === fix.fixId)?.text ?? fix.fixId;
      lines.push(`    ${bar(fix.resolved, best, 8)} ${fix.resolved}× ${escapeMrkdwn(text.slice(0, 120))}`);
    }
    if (pattern.fixes.length === 0) lines.push('    _no fix recorded yet: react with its number when one works_');
    blocks.push(section(lines.join('\n')));
  }

  blocks.push(divider(), section('*Gaps in the knowledge base* (explained alerts no pattern matched)'));
  blocks.push(
    stats.gaps.length === 0
      ? context('None: every explained alert matched a pattern.')
      : section(
          stats.gaps
            .slice(0, 10)
            .map((g) => `• ${escapeMrkdwn(g.title.slice(0, 150))} (${g.count})`)
            .join('\n'),
        ),
  );

  if (stats.corrections.length > 0) {
    blocks.push(divider(), section('*Corrections by the team* (where the matcher was wrong)'));
    blocks.push(
      section(
        stats.corrections
          .slice(0, 10)
          .map((c) => `• ${titleOf(entries, c.fromEntry)} → ${titleOf(entries, c.toEntry)} (${c.count})`)
          .join('\n'),
      ),
    );
  }

  blocks.push(divider(), section(`*Deliveries that failed:* ${stats.failedDeliveries.total}`));
  if (stats.failedDeliveries.recent.length > 0)
    blocks.push(
      section(
        stats.failedDeliveries.recent
          .map(
            (d) =>
              `• :warning: ${d.kind} of *${escapeMrkdwn(d.alertTitle.slice(0, 100))}* in ${channelLink(d.channel)}: ${escapeMrkdwn(d.lastError ?? 'unknown')}`,
          )
          .join('\n'),
      ),
    );

  if (stats.channels.length > 0) {
    const top = Math.max(1, ...stats.channels.map((c) => c.alerts));
    blocks.push(
      divider(),
      section(
        `*Per channel*\n${stats.channels
          .slice(0, 10)
          .map((c) => `${bar(c.alerts, top)} ${channelLink(c.channel)}: ${c.alerts}`)
          .join('\n')}`,
      ),
    );
  }
  blocks.push(context('Updated each time you open this tab. `/apierr stats` shows the fix tallies in any channel.'));
  return { type: 'home', blocks: capBlocks(blocks).slice(0, 100) };
}

/** A channel mention for a stored channel id; anything that is not an id is shown as text. */
function channelLink(channel: string): string {
  return /^[CGD][A-Z0-9]{8,}$/.test(channel) ? `<#${channel}>` : escapeMrkdwn(channel);
}

/** `/apierr stats` typed in a channel: that channel's own numbers first (each channel has its own outbox). */
export function withChannelSummary(stats: SlackPayload, here: ChannelSummary | undefined): SlackPayload {
  if (!here || (here.alerts === 0 && here.pending === 0 && here.failed === 0)) return stats;
  const failed =
    here.failed > 0
      ? `, :warning: ${here.failed} failed${here.lastError ? ` (last: ${escapeMrkdwn(here.lastError)})` : ''}`
      : '';
  const line = `*In this channel:* ${here.alerts} alerts, ${here.explained} explained, ${here.marked} marked with a fix, ${here.pending} deliveries pending${failed}`;
  const [first, ...rest] = stats.blocks;
  return { text: stats.text, blocks: capBlocks(first ? [first, section(line), ...rest] : [section(line)]) };
}
