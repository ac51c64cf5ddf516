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

/** Most variants one signal is split into; past that the signal is indexed whole. */
const MAX_VARIANTS = 24;

/**
 * Splits a regex whose matches are a union of simpler ones, so each part can be indexed under its own
 * literal: a top-level `a|b`, or a leading group `(a|b)rest` -> `arest`, `brest`. Returns `[source]` when
 * the split cannot be proven exact (backreferences, named groups, lookarounds, a quantified group).
 */
export function expandAlternatives(source: string): string[] {
  if (/\\[1-9k]|\(\?<|\(\?[=!]/.test(source)) return [source];
  const top = splitTopLevel(source);
  if (top.length > 1) return capVariants(source, top.flatMap(expandAlternatives));
  const open = source.startsWith('(?:') ? 3 : source.startsWith('(') && !source.startsWith('(?') ? 1 : 0;
  if (open === 0) return [source];
  const close = closingParen(source);
  if (close < 0 || '?*+{'.includes(source.charAt(close + 1) || ' ')) return [source];
  const choices = splitTopLevel(source.slice(open, close));
  if (choices.length < 2) return [source];
  const rest = source.slice(close + 1);
  return capVariants(
    source,
    choices.flatMap((choice) => expandAlternatives(`${choice}${rest}`)),
  );
}

function capVariants(source: string, variants: string[]): string[] {
  return variants.length > MAX_VARIANTS ? [source] : variants;
}

/** Splits at `|` outside any group or character class. */
function splitTopLevel(source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < source.length; i++) {
    const ch = source.charAt(i);
    if (ch === '\\') i++;
    else if (ch === '[') i = classEnd(source, i);
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === '|' && depth === 0) {
      parts.push(source.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(source.slice(from));
  return parts;
}

function classEnd(source: string, at: number): number {
  let i = at + 1;
  while (i < source.length && source.charAt(i) !== ']') i += source.charAt(i) === '\\' ? 2 : 1;
  return i;
}

/** Index of the `)` closing the group that opens at 0, or -1. */
function closingParen(source: string): number {
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const ch = source.charAt(i);
    if (ch === '\\') i++;
    else if (ch === '[') i = classEnd(source, i);
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  return -1;
}

/** The letters a regex starts with, before any other syntax (a letter made optional by a quantifier excluded). */
export function leadingLiteral(source: string): string {
  let end = 0;
  while (end < source.length && /[a-z]/i.test(source.charAt(end))) end++;
  if ('?*{'.includes(source.charAt(end) || ' ') && end > 0) end--;
  return source.slice(0, end).toLowerCase();
}

/** One indexed form of a signal: the whole regex, or one alternative of it. */
interface Variant {
  signal: IndexedSignal;
  /** Position of the signal in the index, for the per-query "already reported" stamps. */
  signalSlot: number;
  /** Position of this variant, for the per-query "already tried" stamps. */
  slot: number;
  anchor: string;
  /** When the variant starts with its anchor, a sticky regex tried only where the anchor occurs. */
  sticky: RegExp | undefined;
  regex: RegExp;
}

export class SignalIndex {
  // A flat table over all 26^3 letter trigrams: an array index is far cheaper than a Map lookup per character.
  private readonly byTrigram: (Variant[] | undefined)[] = new Array(LETTERS ** 3);
  private readonly unanchored: IndexedSignal[] = [];
  // Per-query stamps instead of Sets: a slot holds the number of the query that last reported (or tried) it.
  private readonly reportedIn: Uint32Array;
  private readonly triedIn: Uint32Array;
  private query = 0;

  constructor(signals: readonly IndexedSignal[]) {
    let variantCount = 0;
    signals.forEach((signal, signalSlot) => {
      const variants = expandAlternatives(signal.source).map((source) => this.variantOf(signal, source, signalSlot));
      if (variants.some((variant) => variant === undefined)) {
        // One part has no literal to find it by: the signal is tested whole, on every text.
        this.unanchored.push(signal);
        return;
      }
      for (const variant of variants as Variant[]) {
        variant.slot = variantCount++;
        const key = trigramIndex(variant.anchor, 0);
        const bucket = this.byTrigram[key];
        if (bucket) bucket.push(variant);
        else this.byTrigram[key] = [variant];
      }
    });
    this.reportedIn = new Uint32Array(signals.length);
    this.triedIn = new Uint32Array(variantCount);
  }

  private variantOf(signal: IndexedSignal, source: string, signalSlot: number): Variant | undefined {
    const leading = leadingLiteral(source);
    if (leading.length >= MIN_ANCHOR && trigramIndex(leading, 0) >= 0) {
      return {
        signal,
        signalSlot,
        slot: 0,
        anchor: leading,
        sticky: new RegExp(source, 'iy'),
        regex: new RegExp(source, 'i'),
      };
    }
    const anchor = anchorOf(source);
    if (!anchor || trigramIndex(anchor, 0) < 0) return undefined;
    return { signal, signalSlot, slot: 0, anchor, sticky: undefined, regex: new RegExp(source, 'i') };
  }

  /** Signals that match `lowerText` (already lowercased), each reported once. */
  matching(lowerText: string, visit: (signal: IndexedSignal) => void): void {
    this.query = this.query === 0xffffffff ? 1 : this.query + 1;
    const query = this.query;
    const reportedIn = this.reportedIn;
    const triedIn = this.triedIn;
    for (const signal of this.unanchored) {
      if (signal.regex.test(lowerText)) visit(signal);
    }
    for (let at = 0; at + MIN_ANCHOR <= lowerText.length; at++) {
      const key = trigramIndex(lowerText, at);
      if (key < 0) continue;
      const bucket = this.byTrigram[key];
      if (!bucket) continue;
      for (const variant of bucket) {
        if (reportedIn[variant.signalSlot] === query || !lowerText.startsWith(variant.anchor, at)) continue;
        let matched: boolean;
        if (variant.sticky) {
          // Every match starts with the anchor, so trying here is enough; the next occurrence gets its own try.
          variant.sticky.lastIndex = at;
          matched = variant.sticky.test(lowerText);
        } else {
          if (triedIn[variant.slot] === query) continue;
          triedIn[variant.slot] = query;
          matched = variant.regex.test(lowerText);
        }
        if (matched) {
          reportedIn[variant.signalSlot] = query;
          visit(variant.signal);
        }
      }
    }
  }
}
