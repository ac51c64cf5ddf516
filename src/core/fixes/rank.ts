/**
 * Orders an entry's fixes by how often they resolved real alerts: the service's own record first, then
 * the pattern's record everywhere, then the order the entry's author gave.
 * @module
 */

import type { Entry, Fix } from '../knowledge/schema.js';
import type { FixTally } from '../ports.js';

export interface RankedFix extends Fix {
  /** Alerts of this pattern this fix was recorded as resolving (all services). */
  resolved: number;
  /** Alerts of this pattern that someone marked with any fix: the "of N" in "fixed it 5 of 7 times". */
  marked: number;
}

export interface Tallies {
  marked: number;
  fixes: FixTally[];
}

export function rankFixes(entry: Entry, overall: Tallies, forService?: Tallies): RankedFix[] {
  const count = (tallies: Tallies | undefined, fixId: string) =>
    tallies?.fixes.find((f) => f.fixId === fixId)?.resolved ?? 0;
  return entry.fixes
    .map((fix, authored) => ({
      fix,
      authored,
      service: count(forService, fix.id),
      overall: count(overall, fix.id),
    }))
    .sort((a, b) => b.service - a.service || b.overall - a.overall || a.authored - b.authored)
    .map(({ fix, overall: resolved }) => ({ ...fix, resolved, marked: overall.marked }));
}

/** "fixed it 5 of 7 times", or undefined when nobody has recorded an outcome for the pattern yet. */
export function describeRecord(fix: RankedFix): string | undefined {
  if (fix.marked === 0) return undefined;
  return `fixed it ${fix.resolved} of ${fix.marked} time${fix.marked === 1 ? '' : 's'}`;
}
