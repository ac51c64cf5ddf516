/**
 * Ranks knowledge entries against free text and structured hints.
 *
 * Structured evidence comes first: status codes (from hints, or found in the text), vendor and team
 * aliases, and signal regexes. MiniSearch's full-text ranking over every entry's prose breaks ties and
 * is the fallback when nothing structured fires. Every match carries the reasons that put it there.
 * @module
 */
import MiniSearch from 'minisearch';
import type { Entry } from './schema.js';
import { anchorOf, type IndexedSignal, SignalIndex } from './signal-index.js';

export interface MatchHints {
  /** An HTTP status code the sender reported explicitly (a label, a field), not guessed from text. */
  statusCode?: number | undefined;
}

/** `corrected`: the team picked this entry for alerts of this kind (not the matcher's own evidence). */
export type ReasonKind = 'code' | 'alias' | 'signal' | 'text' | 'corrected';

export interface MatchReason {
  kind: ReasonKind;
  /** What fired: the code, the alias as written in the entry, the signal's regex, or the matched terms. */
  detail: string;
}

export interface Match {
  id: string;
  title: string;
  /** In [0, 1]: how sure the matcher is that this entry explains the text. */
  confidence: number;
  reasons: MatchReason[];
}

export interface MatchResult {
  matches: Match[];
  /** True when the best match is too weak to state as the answer: show the runners-up instead. */
  lowConfidence: boolean;
}

export interface Matcher {
  match(text: string, hints?: MatchHints): MatchResult;
  readonly entries: readonly Entry[];
}

/**
 * Options for {@link createMatcher}. The order of `entries` matters in one way: when two entries claim the
 * same alias (case-insensitively), the one later in the list wins it. Put a team's entries after the
 * bundled ones, as `compileKnowledge(files, { base })` does, so `PAY-1003` means what the team says.
 */
export interface MatcherOptions {
  /** How many matches to return at most. */
  limit?: number;
  /** Below this confidence the result is flagged as low confidence. */
  lowConfidenceBelow?: number;
}

// Weights: a structured hint or an exact alias is near-certain; a signal phrase is strong; a status code
// found somewhere in free text is weaker (the text may name the code of a different layer), and weaker
// still for symptom entries that merely list the code.
const WEIGHT = {
  hintCode: 3,
  queryIsCode: 4,
  codeInContext: 2.2,
  bareCode: 1,
  symptomCodeFactor: 0.45,
  alias: 4,
  /** An alias that is one ordinary word (Forbidden, Unauthorized) often just repeats the status line. */
  wordAlias: 1.5,
  firstSignal: 2.6,
  extraSignal: 0.8,
  maxExtraSignals: 3,
  fullText: 1.4,
} as const;

const MAX_QUERY_CHARS = 4000;
/** Structured evidence this strong, this far ahead of the runner-up, is not overturned by full text. */
const DECIDED_SCORE = 3;
const DECIDED_MARGIN = 2;
const TERM_CACHE_SIZE = 50_000;
const MAX_POSTINGS_PER_TERM = 40;
const MAX_FULLTEXT_TERMS = 32;

// A 3-digit status code not glued to other digits, dots, colons or dashes (times, IPs, versions, AUTH-401).
// A colon or a full stop after the code only disqualifies it when a digit follows (a time, a port, a version):
// "HTTP 503: ..." and "the server returned 404." count.
const CODE_IN_TEXT = /(?<![\w.:/-])([1-5]\d\d)(?![\w/-]|[.:]\d)/g;
const CODE_CONTEXT_BEFORE =
  /(?:(?:status|code|http\/\d(?:\.\d)?|http|error|returned|returns|return|returning|got|get|gets|getting|received|receive|receiving|response|responded|with|failed|failure|err)[\s:=#"'(]*|(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \S+ "?)$/i;
const ONLY_A_CODE = /^\s*(?:http\s*)?([1-5]\d\d)(?:\s+(?:error|status|code|response|errors))?\s*$/i;
const LETTERS_ONLY = /^[A-Za-z]+$/;
const ONE_WORD = /^[A-Z]?[a-z]+$/;
/** A token starts at a word character and runs to the next separator; aliases are looked up per token. */
const TOKEN = /\w[^\s"'`,;()[\]{}<>=|\\/]*/g;
const TRAILING = new Set([':', '.', '!', '?', ',']);

/** Drops sentence punctuation after a token ("ECONNREFUSED," or "AUTH-401:"). */
function trimEnd(token: string): string {
  let end = token.length;
  while (end > 0 && TRAILING.has(token.charAt(end - 1))) end--;
  return end === token.length ? token : token.slice(0, end);
}

interface AliasHit {
  entry: number;
  alias: string;
  /** Letters-only aliases match only in their exact case. */
  exact: boolean;
}

interface Scored {
  score: number;
  reasons: MatchReason[];
  signals: number;
}

export function createMatcher(entries: readonly Entry[], options: MatcherOptions = {}): Matcher {
  const limit = options.limit ?? 5;
  const lowBelow = options.lowConfidenceBelow ?? 0.5;

  const codeOwners = new Map<number, number[]>();
  // Aliases by their lowercase form. Letters-only aliases (INTERNAL, Forbidden) must also match their exact
  // case in the text, so the everyday words "internal" and "forbidden" do not fire them.
  const aliasByFolded = new Map<string, AliasHit[]>();
  // When two entries claim an alias, the later entry wins it: a team's entries come after the bundled ones,
  // so a team's own meaning of a code replaces the bundled one instead of competing with it.
  const addAlias = (folded: string, hit: AliasHit) => {
    const list = aliasByFolded.get(folded);
    if (!list) aliasByFolded.set(folded, [hit]);
    else if (list.every((earlier) => earlier.entry === hit.entry)) list.push(hit);
    else aliasByFolded.set(folded, [hit]);
  };
  const phraseAliases: { entry: number; alias: string; lower: string }[] = [];
  const signals: IndexedSignal[] = [];

  entries.forEach((entry, index) => {
    for (const code of entry.codes) {
      const owners = codeOwners.get(code) ?? [];
      owners.push(index);
      codeOwners.set(code, owners);
    }
    for (const alias of entry.aliases) {
      if (/\s/.test(alias)) {
        const lower = alias.toLowerCase();
        const earlier = phraseAliases.findIndex((phrase) => phrase.lower === lower && phrase.entry !== index);
        if (earlier >= 0) phraseAliases.splice(earlier, 1);
        phraseAliases.push({ entry: index, alias, lower });
      }
      // Plain words such as INTERNAL or UNKNOWN fire only in the case systems print them, so the
      // everyday words "internal" and "unknown" do not.
      else addAlias(alias.toLowerCase(), { entry: index, alias, exact: LETTERS_ONLY.test(alias) });
    }
    for (const source of entry.signals) {
      signals.push({ entryIndex: index, source, regex: new RegExp(source, 'i'), anchor: anchorOf(source) });
    }
  });
  const signalIndex = new SignalIndex(signals);

  const fullText = new MiniSearch<{ id: number; title: string; aliases: string; signals: string; prose: string }>({
    fields: ['title', 'aliases', 'signals', 'prose'],
    searchOptions: {
      boost: { title: 2, aliases: 2, signals: 1.5, prose: 1 },
      prefix: false,
      combineWith: 'OR',
    },
  });
  fullText.addAll(
    entries.map((entry, id) => ({
      id,
      title: entry.title,
      aliases: entry.aliases.join(' '),
      signals: entry.signals.map((s) => s.replace(/[^A-Za-z0-9]+/g, ' ')).join(' '),
      prose: [entry.summary, ...entry.causes, ...entry.examples, entry.body].join(' '),
    })),
  );

  const scores: (Scored | undefined)[] = new Array(entries.length);
  /** The text of the query being matched, for exact-case alias checks. */
  let currentText = '';
  const touched: number[] = [];
  const add = (entry: number, points: number, reason: MatchReason) => {
    let scored = scores[entry];
    if (!scored) {
      scored = { score: 0, reasons: [], signals: 0 };
      scores[entry] = scored;
      touched.push(entry);
    }
    scored.score += points;
    scored.reasons.push(reason);
  };

  const addCode = (code: number, weight: number, detail: string) => {
    for (const owner of codeOwners.get(code) ?? []) {
      const factor = entries[owner]?.kind === 'status' ? 1 : WEIGHT.symptomCodeFactor;
      add(owner, weight * factor, { kind: 'code', detail });
    }
  };

  const match = (rawText: string, hints: MatchHints = {}): MatchResult => {
    const text = rawText.length > MAX_QUERY_CHARS ? rawText.slice(0, MAX_QUERY_CHARS) : rawText;
    const lower = text.toLowerCase();
    currentText = text;

    if (hints.statusCode !== undefined) addCode(hints.statusCode, WEIGHT.hintCode, `status ${hints.statusCode}`);

    const onlyCode = ONLY_A_CODE.exec(text);
    if (onlyCode) {
      addCode(Number(onlyCode[1]), WEIGHT.queryIsCode, onlyCode[1] as string);
    } else {
      const codesSeen = new Set<number>();
      for (const found of text.matchAll(CODE_IN_TEXT)) {
        const code = Number(found[1]);
        if (codesSeen.has(code) || !codeOwners.has(code)) continue;
        codesSeen.add(code);
        const before = text.slice(Math.max(0, (found.index ?? 0) - 120), found.index);
        const inContext = CODE_CONTEXT_BEFORE.test(before) || (found.index ?? 0) === 0;
        addCode(code, inContext ? WEIGHT.codeInContext : WEIGHT.bareCode, String(code));
      }
    }

    const aliasesSeen = new Set<string>();
    // Tokens are read from the lowercase text (one case conversion per query, not one per token); exact-case
    // aliases are then checked against the original text at the same offset.
    const sameOffsets = lower.length === text.length;
    const scanned = sameOffsets ? lower : text;
    TOKEN.lastIndex = 0;
    for (let found = TOKEN.exec(scanned); found; found = TOKEN.exec(scanned)) {
      const raw = trimEnd(found[0]);
      if (raw.length < 2) continue;
      const token = sameOffsets ? raw : raw.toLowerCase();
      const at = sameOffsets ? found.index : -1;
      const hit = aliasAt(token, at) ?? aliasAfterPrefix(token, at);
      if (hit && !aliasesSeen.has(hit.alias)) {
        aliasesSeen.add(hit.alias);
        add(hit.entry, ONE_WORD.test(hit.alias) ? WEIGHT.wordAlias : WEIGHT.alias, {
          kind: 'alias',
          detail: hit.alias,
        });
      }
    }
    for (const phrase of phraseAliases) {
      if (!aliasesSeen.has(phrase.alias) && lower.includes(phrase.lower)) {
        aliasesSeen.add(phrase.alias);
        add(phrase.entry, WEIGHT.alias, { kind: 'alias', detail: phrase.alias });
      }
    }

    signalIndex.matching(lower, (signal) => {
      const current = scores[signal.entryIndex];
      const count = current?.signals ?? 0;
      if (count > WEIGHT.maxExtraSignals) return;
      add(signal.entryIndex, count === 0 ? WEIGHT.firstSignal : WEIGHT.extraSignal, {
        kind: 'signal',
        detail: signal.source,
      });
      (scores[signal.entryIndex] as Scored).signals = count + 1;
    });

    // Full text is the fallback and the tie-breaker: skip it when structured evidence has already
    // decided (a clear leader), which is most pasted errors and nearly every typed code.
    const terms = decided() ? [] : fullTextTerms(lower);
    if (terms.length > 0) {
      const hits = rankFullText(terms, 8);
      const best = hits[0]?.score ?? 0;
      for (const hit of hits.slice(0, 8)) {
        const share = hit.score / best;
        if (share < 0.25) break;
        add(hit.id, WEIGHT.fullText * share, { kind: 'text', detail: hit.terms.slice(0, 6).join(' ') });
      }
    }

    const ranked = touched
      .map((index) => ({ index, scored: scores[index] as Scored }))
      .sort((a, b) => b.scored.score - a.scored.score || a.index - b.index);
    const top = ranked[0]?.scored.score ?? 0;
    const second = ranked[1]?.scored.score ?? 0;

    const topConfidence = confidenceOf(top, second);
    const matches: Match[] = ranked.slice(0, limit).map(({ index, scored }, rank) => {
      const entry = entries[index] as Entry;
      // Runners-up are scaled from the top match, so they never outrank it in confidence.
      const confidence = rank === 0 ? topConfidence : topConfidence * (scored.score / top) * 0.95;
      return { id: entry.id, title: entry.title, confidence: round(confidence), reasons: scored.reasons };
    });

    for (const index of touched) scores[index] = undefined;
    touched.length = 0;

    return { matches, lowConfidence: (matches[0]?.confidence ?? 0) < lowBelow };
  };

  // MiniSearch's postings per query term, kept because the same words recur in error text all day long.
  // Combining them as MiniSearch's OR query does (sum of term scores times the number of terms matched)
  // gives its ranking at a fraction of the cost of a fresh multi-term search.
  const termCache = new Map<string, readonly { id: number; score: number }[]>();
  function termHits(term: string): readonly { id: number; score: number }[] {
    let hits = termCache.get(term);
    if (!hits) {
      // Only a term's best postings count: a word shared by hundreds of entries says little about any of
      // them, and capping keeps the cost of a query flat as the knowledge base grows.
      hits = fullText
        .search(term)
        .slice(0, MAX_POSTINGS_PER_TERM)
        .map((hit) => ({ id: hit.id as number, score: hit.score }));
      if (termCache.size >= TERM_CACHE_SIZE) termCache.clear();
      termCache.set(term, hits);
    }
    return hits;
  }

  // Per-entry accumulators for the full-text pass, reused across queries (no allocation per posting).
  const textScore = new Float64Array(entries.length);
  const textCount = new Uint16Array(entries.length);
  // Which query terms hit each entry, as bits (a query has at most MAX_FULLTEXT_TERMS <= 32 terms).
  const textTerms = new Uint32Array(entries.length);
  const textTouched: number[] = [];

  /** The best few entries for `terms`, scored as MiniSearch's OR query scores them. */
  function rankFullText(terms: readonly string[], keep: number): { id: number; score: number; terms: string[] }[] {
    terms.forEach((term, bit) => {
      for (const hit of termHits(term)) {
        if (textCount[hit.id] === 0) textTouched.push(hit.id);
        textScore[hit.id] = (textScore[hit.id] as number) + hit.score;
        textCount[hit.id] = (textCount[hit.id] as number) + 1;
        textTerms[hit.id] = (textTerms[hit.id] as number) | (1 << bit);
      }
    });
    // Keep the best `keep` by a small insertion sort: no sort of every entry touched.
    const best: { id: number; score: number; mask: number }[] = [];
    for (const id of textTouched) {
      const score = (textScore[id] as number) * (textCount[id] as number);
      const mask = textTerms[id] as number;
      textScore[id] = 0;
      textCount[id] = 0;
      textTerms[id] = 0;
      if (best.length === keep && score <= (best[keep - 1] as { score: number }).score) continue;
      let at = best.length < keep ? best.length : keep - 1;
      while (at > 0 && (best[at - 1] as { score: number }).score < score) {
        if (at < keep) best[at] = best[at - 1] as { id: number; score: number; mask: number };
        at--;
      }
      best[at] = { id, score, mask };
    }
    textTouched.length = 0;
    return best.map(({ id, score, mask }) => ({
      id,
      score,
      terms: terms.filter((_, bit) => (mask & (1 << bit)) !== 0),
    }));
  }

  function decided(): boolean {
    let top = 0;
    let second = 0;
    for (const index of touched) {
      const score = (scores[index] as Scored).score;
      if (score > top) {
        second = top;
        top = score;
      } else if (score > second) second = score;
    }
    return top >= DECIDED_SCORE && top - second >= DECIDED_MARGIN;
  }

  /** The alias `token` (lowercase) stands for, checking exact case at offset `at` of the text when needed. */
  function aliasAt(token: string, at: number): AliasHit | undefined {
    const candidates = aliasByFolded.get(token);
    if (!candidates) return undefined;
    for (const hit of candidates) {
      if (!hit.exact) return hit;
      // Without offsets (a text whose lowercase changes length) an exact alias is found by a plain search.
      if (at >= 0 ? currentText.startsWith(hit.alias, at) : currentText.includes(hit.alias)) return hit;
    }
    return undefined;
  }

  function aliasAfterPrefix(token: string, at: number): AliasHit | undefined {
    // "error:econnrefused" and "java.net.unknownhostexception": the code is the last part.
    let cut = token.length - 1;
    while (cut > 0) {
      const code = token.charCodeAt(cut);
      if (code === 58 /* : */ || code === 46 /* . */) break;
      cut--;
    }
    if (cut <= 0) return undefined;
    return aliasAt(token.slice(cut + 1), at >= 0 ? at + cut + 1 : -1);
  }

  return { match, entries };
}

/**
 * Absolute evidence saturates towards 1; a close runner-up pulls the top match down, because two
 * entries explaining the same text equally well is itself uncertainty worth showing.
 */
function confidenceOf(top: number, second: number): number {
  if (top <= 0) return 0;
  const absolute = 1 - Math.exp(-top / 2.2);
  const margin = (top - second) / top;
  return absolute * (0.55 + 0.45 * margin);
}

const round = (value: number) => Math.round(value * 1000) / 1000;

// Words that carry no meaning about which error it is: protocol filler, and the everyday English of issue threads
// ("I tried ... and it would sometimes return ..."), which otherwise lets full text rank entries on noise.
const STOP_WORDS = new Set(
  [
    'the a an and or of to in on at for is are was were be been it this that with from by as not no error errors http https www com request response failed status code message',
    'i me my we our you your he she they them their there here what which who when where why how than then so but if its it',
    'will would could should can cannot can’t just also some sometimes very quickly still even again only any all each every',
    'get gets got getting take takes took try tried trying use used using see seems seem know need want make made do does did done',
    'has have had having please thanks thank hello help issue problem question answer same other more most now like way into about',
    // Slack's mention word `<!everyone>` says nothing about the error (`here` is above; `channel` means something in gRPC).
    'everyone everybody',
  ]
    .join(' ')
    .split(' '),
);

/** Full-text terms: runs of 3+ letters, digits or underscores (shorter ones carry no meaning here). */
const TERM = /[a-z0-9_]{3,}/g;
const ONLY_DIGITS = /^\d+$/;

function fullTextTerms(lower: string): string[] {
  const terms: string[] = [];
  const seen = new Set<string>();
  TERM.lastIndex = 0;
  for (let found = TERM.exec(lower); found; found = TERM.exec(lower)) {
    const term = found[0];
    if (STOP_WORDS.has(term) || seen.has(term) || ONLY_DIGITS.test(term)) continue;
    seen.add(term);
    terms.push(term);
    if (terms.length >= MAX_FULLTEXT_TERMS) break;
  }
  return terms;
}
