/**
 * Explaining on demand (`/apierr ...`, `POST /api/explain`): match, then order fixes by their record.
 * @module
 */

import { type RankedFix, rankFixes } from '../fixes/rank.js';
import { type Explanation, explain } from '../knowledge/explain.js';
import type { MatchHints } from '../knowledge/matcher.js';
import type { Entry } from '../knowledge/schema.js';
import type { CoreServices } from './services.js';

export interface ExplainedQuery {
  explanation: Explanation;
  /** The explained entry's fixes, best first; empty for comparisons and non-matches. */
  fixes: RankedFix[];
}

export async function explainQuery(
  services: Pick<CoreServices, 'store' | 'matcher'>,
  query: string,
  hints?: MatchHints,
): Promise<ExplainedQuery> {
  const explanation = explain(services.matcher, query, hints);
  const fixes = explanation.kind === 'entry' ? await rankedFixesFor(services, explanation.entry) : [];
  return { explanation, fixes };
}

export async function rankedFixesFor(
  services: Pick<CoreServices, 'store'>,
  entry: Entry,
  service?: string,
): Promise<RankedFix[]> {
  const overall = await services.store.fixTallies(entry.id);
  const forService = service ? await services.store.fixTallies(entry.id, service) : undefined;
  return rankFixes(entry, overall, forService);
}
