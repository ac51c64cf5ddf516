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

const A = 97;
const LETTERS = 26;

/** Index of three lowercase ASCII letters starting at `at`, or -1 when any of them is not a-z. */
function trigramIndex(text: string, at: number): number {
  const a = text.charCodeAt(at) - A;
  const b = text.charCodeAt(at + 1) - A;
  const c = text.charCodeAt(at + 2) - A;
  if (a < 0 || a >= LETTERS || b < 0 || b >= LETTERS || c < 0 || c >= LETTERS) return -1;
  return (a * LETTERS + b) * LETTERS + c;
}

export class SignalIndex {
  // A flat table over all 26^3 letter trigrams: an array index is far cheaper than a Map lookup per character.
  private readonly byTrigram: (IndexedSignal[] | undefined)[] = new Array(LETTERS ** 3);
  private readonly unanchored: IndexedSignal[] = [];
  private readonly seen = new Set<IndexedSignal>();

  constructor(signals: readonly IndexedSignal[]) {
    for (const signal of signals) {
      const key = signal.anchor ? trigramIndex(signal.anchor, 0) : -1;
      if (key < 0) {
        this.unanchored.push(signal);
        continue;
      }
      const bucket = this.byTrigram[key];
      if (bucket) bucket.push(signal);
      else this.byTrigram[key] = [signal];
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
      const key = trigramIndex(lowerText, at);
      if (key < 0) continue;
      const bucket = this.byTrigram[key];
      if (!bucket) continue;
      for (const signal of bucket) {
        if (seen.has(signal) || !lowerText.startsWith(signal.anchor as string, at)) continue;
        seen.add(signal);
        if (signal.regex.test(lowerText)) visit(signal);
      }
    }
  }
}
