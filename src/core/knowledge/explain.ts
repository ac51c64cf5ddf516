/**
 * Turns a query into what a person asked for: one entry explained, two entries compared ("401 vs 403"),
 * or, when nothing matches well, the best guesses with a hint on how to ask.
 * @module
 */
import type { Match, Matcher, MatchHints } from './matcher.js';
import type { Entry } from './schema.js';

export interface ComparisonRule {
  /** The entry whose file states the rule. */
  from: string;
  to: string;
  text: string;
}

export type Explanation =
  | { kind: 'entry'; entry: Entry; match: Match; runnersUp: Match[]; lowConfidence: boolean }
  | { kind: 'comparison'; left: Entry; right: Entry; rules: ComparisonRule[] }
  | { kind: 'none'; query: string; suggestions: Match[] };

const VERSUS = /^(.+?)\s+(?:vs\.?|versus|v\.)\s+(.+)$/i;

/**
 * The most of a query that is read. The "X vs Y" split backtracks quadratically in the length (40,000
 * characters held the event loop for 450 ms), and the matcher reads no further than this either.
 */
export const MAX_EXPLAIN_CHARS = 4000;

/** A query cut to {@link MAX_EXPLAIN_CHARS}, before any regex sees it. */
export function boundedQuery(query: string): string {
  return query.length > MAX_EXPLAIN_CHARS ? query.slice(0, MAX_EXPLAIN_CHARS) : query;
}

/** Splits "401 vs 403" into its two sides, or returns undefined when the query is not a comparison. */
export function parseComparison(query: string): [string, string] | undefined {
  const found = VERSUS.exec(boundedQuery(query).trim());
  if (!found) return undefined;
  const left = (found[1] as string).trim();
  const right = (found[2] as string).trim();
  return left && right ? [left, right] : undefined;
}

export function explain(matcher: Matcher, fullQuery: string, hints?: MatchHints): Explanation {
  const query = boundedQuery(fullQuery);
  const byId = new Map(matcher.entries.map((entry) => [entry.id, entry]));
  const sides = parseComparison(query);
  if (sides) {
    const left = resolveSide(matcher, byId, sides[0]);
    const right = resolveSide(matcher, byId, sides[1]);
    if (left && right && left.id !== right.id)
      return { kind: 'comparison', left, right, rules: rulesBetween(left, right) };
  }

  const result = matcher.match(query, hints);
  const [best, ...rest] = result.matches;
  if (!best || best.confidence < 0.2) return { kind: 'none', query, suggestions: result.matches.slice(0, 3) };
  const entry = byId.get(best.id) as Entry;
  return { kind: 'entry', entry, match: best, runnersUp: rest.slice(0, 3), lowConfidence: result.lowConfidence };
}

function resolveSide(matcher: Matcher, byId: Map<string, Entry>, side: string): Entry | undefined {
  const direct = byId.get(side.toLowerCase());
  if (direct) return direct;
  const best = matcher.match(side).matches[0];
  return best && best.confidence >= 0.3 ? byId.get(best.id) : undefined;
}

export function rulesBetween(left: Entry, right: Entry): ComparisonRule[] {
  const rules: ComparisonRule[] = [];
  const forward = left.compare[right.id];
  if (forward) rules.push({ from: left.id, to: right.id, text: forward });
  const backward = right.compare[left.id];
  if (backward) rules.push({ from: right.id, to: left.id, text: backward });
  return rules;
}
