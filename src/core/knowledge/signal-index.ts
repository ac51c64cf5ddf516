/**
 * Finds which signal regexes could fire on a text without running all of them.
 *
 * Each signal is filed under a literal word it cannot match without (its "anchor"). A query only runs the
 * signals whose anchor occurs in it, found through a trigram table, so the cost follows the length of
 * the text and the handful of candidate signals, not the size of the knowledge base.
 * @module
 */

export interface IndexedSignal {
  entryIndex: number;
  source: string;
  regex: RegExp;
  /** Lowercase literal that every match contains, or undefined when none could be proven. */
  anchor: string | undefined;
}

const MIN_ANCHOR = 3;

/**
 * The first run of 3+ letters that every match of `source` must contain, or undefined.
 * Conservative: gives up on top-level alternation and skips anything under a group, class,
 * escape or optional quantifier.
 */
export function anchorOf(source: string): string | undefined {
  let depth = 0;
  let run = '';
  const runs: string[] = [];
  const flush = () => {
    if (run.length >= MIN_ANCHOR) runs.push(run);
    run = '';
  };
  for (let i = 0; i < source.length; i++) {
    const ch = source.charAt(i);
    if (ch === '\\') {
      flush();
      i++;
      continue;
    }
    if (ch === '[') {
      flush();
      while (i < source.length && source.charAt(i) !== ']') i += source.charAt(i) === '\\' ? 2 : 1;
      continue;
    }
    if (ch === '(') {
      flush();
      depth++;
      continue;
    }
    if (ch === ')') {
      depth--;
      continue;
    }
    if (ch === '|' && depth === 0) return undefined;
    if (depth === 0 && /[a-z]/i.test(ch)) {
      const next = source.charAt(i + 1);
      if (next === '?' || next === '*' || next === '{') {
        // The quantifier makes this letter optional: what came before is still required.
        flush();
        continue;
      }
      run += ch.toLowerCase();
      continue;
    }
    flush();
  }
  flush();
  if (runs.length === 0) return undefined;
  return runs.reduce((best, candidate) => (candidate.length > best.length ? candidate : best));
}

const trigramKey = (text: string, at: number): number =>
  (text.charCodeAt(at) << 16) | (text.charCodeAt(at + 1) << 8) | text.charCodeAt(at + 2);

export class SignalIndex {
  private readonly byTrigram = new Map<number, IndexedSignal[]>();
  private readonly unanchored: IndexedSignal[] = [];
  private readonly seen = new Set<IndexedSignal>();

  constructor(signals: readonly IndexedSignal[]) {
    for (const signal of signals) {
      if (!signal.anchor || /[^\x20-\x7e]/.test(signal.anchor)) {
        this.unanchored.push(signal);
        continue;
      }
      const key = trigramKey(signal.anchor, 0);
      const bucket = this.byTrigram.get(key);
      if (bucket) bucket.push(signal);
      else this.byTrigram.set(key, [signal]);
    }
  }

  /** Signals that match `lowerText` (already lowercased), each reported once. */
  matching(lowerText: string, visit: (signal: IndexedSignal) => void): void {
    const seen = this.seen;
    seen.clear();
    for (const signal of this.unanchored) {
      signal.regex.lastIndex = 0;
      if (signal.regex.test(lowerText)) visit(signal);
    }
    for (let at = 0; at + MIN_ANCHOR <= lowerText.length; at++) {
      const bucket = this.byTrigram.get(trigramKey(lowerText, at));
      if (!bucket) continue;
      for (const signal of bucket) {
        if (seen.has(signal) || !lowerText.startsWith(signal.anchor as string, at)) continue;
        seen.add(signal);
        if (signal.regex.test(lowerText)) visit(signal);
      }
    }
  }
}
