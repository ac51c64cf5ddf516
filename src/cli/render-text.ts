/**
 * Renders explanations for a terminal: plain text, bold headings only when the output is a TTY.
 * @module
 */
import type { Explanation } from '../core/knowledge/explain.js';
import type { Match } from '../core/knowledge/matcher.js';
import type { Entry } from '../core/knowledge/schema.js';
import { describeLayer, percent } from '../core/messages/layer.js';

export interface TextStyle {
  bold(text: string): string;
  dim(text: string): string;
}

export const PLAIN: TextStyle = { bold: (t) => t, dim: (t) => t };
export const ANSI: TextStyle = { bold: (t) => `\x1b[1m${t}\x1b[22m`, dim: (t) => `\x1b[2m${t}\x1b[22m` };

export function renderExplanationText(explanation: Explanation, style: TextStyle = PLAIN): string {
  switch (explanation.kind) {
    case 'entry':
      return renderEntry(explanation.entry, explanation.match, explanation.runnersUp, explanation.lowConfidence, style);
    case 'comparison':
      return renderComparison(explanation, style);
    case 'none':
      return renderNone(explanation.query, explanation.suggestions, style);
  }
}

function renderEntry(entry: Entry, match: Match, runnersUp: Match[], low: boolean, style: TextStyle): string {
  const lines: string[] = [];
  lines.push(`${style.bold(entry.title)}  ${style.dim(`[${entry.id}, ${percent(match.confidence)} match]`)}`);
  if (low) lines.push(style.dim('Low confidence: this is a best guess; the alternatives are listed at the end.'));
  lines.push('', entry.summary, '', `${style.bold('Likely layer:')} ${describeLayer(entry.layer)}`);
  lines.push('', style.bold('Check first:'));
  lines.push(...numbered(entry.first_checks));
  lines.push('', style.bold('Fixes that usually work:'));
  lines.push(...numbered(entry.fixes.map((fix) => fix.text)));
  lines.push('', style.bold('Usual causes:'));
  for (const cause of entry.causes) lines.push(`  - ${cause}`);
  const compare = Object.entries(entry.compare);
  if (compare.length > 0) {
    lines.push('', style.bold('Not to be confused with:'));
    for (const [other, rule] of compare) lines.push(`  - ${other}: ${rule}`);
  }
  if (runnersUp.length > 0 && low) {
    lines.push('', style.bold('It could also be:'));
    for (const other of runnersUp) lines.push(`  - ${other.title} (${other.id}, ${percent(other.confidence)})`);
  }
  if (entry.references.length > 0) lines.push('', style.dim(`References: ${entry.references.join('; ')}`));
  return lines.join('\n');
}

function renderComparison(explanation: Extract<Explanation, { kind: 'comparison' }>, style: TextStyle): string {
  const { left, right, rules } = explanation;
  const lines: string[] = [style.bold(`${left.title} vs ${right.title}`), ''];
  if (rules.length > 0) {
    for (const rule of rules) lines.push(`- ${rule.text}`);
  } else {
    lines.push('The knowledge base states no rule for telling these two apart; here is what each means.');
  }
  for (const entry of [left, right]) {
    lines.push('', `${style.bold(entry.title)} ${style.dim(`[${entry.id}]`)}`, entry.summary);
    lines.push(`Likely layer: ${describeLayer(entry.layer)}`);
    lines.push(`Check first: ${entry.first_checks[0] ?? ''}`);
  }
  return lines.join('\n');
}

function renderNone(query: string, suggestions: Match[], style: TextStyle): string {
  const lines = [`Nothing in the knowledge base explains "${query}" with confidence.`];
  if (suggestions.length > 0) {
    lines.push('', style.bold('Closest guesses:'));
    for (const s of suggestions) lines.push(`  - ${s.title} (${s.id}, ${percent(s.confidence)})`);
  }
  lines.push(
    '',
    'Try a status code (429), a vendor code (AUTH-401, ECONNREFUSED), a phrase from the error (cors preflight, jwt expired), or a comparison (401 vs 403).',
  );
  return lines.join('\n');
}

const numbered = (items: readonly string[]) => items.map((item, i) => `  ${i + 1}. ${item}`);
