/**
 * Matcher throughput on one thread (run as its own process by bench/run.js): matches per second of the
 * built matcher (dist/core/knowledge/matcher.js) over
 *   - the real error texts of test/fixtures/match-corpus.jsonl,
 *   - a mix of short typed queries (what people type after /apierr),
 * on the bundled knowledge base and on a synthetic base of 1,000 entries (the bundled ones plus clones
 * with new ids, made-up aliases, codes, signal phrases and prose words, so the vocabulary grows).
 *
 * Usage: node bench/matcher.js [runs] [msPerRun]. Prints one JSON line.
 * @module
 */
import { readFileSync } from 'node:fs';
import { parseBundle } from '../dist/core/knowledge/bundle.js';
import { createMatcher } from '../dist/core/knowledge/matcher.js';
import { KNOWLEDGE_BUNDLE_JSON } from '../dist/generated/knowledge-bundle.js';

const runs = Number(process.argv[2] ?? 5);
const msPerRun = Number(process.argv[3] ?? 1000);
/** Hard count bound per run, whatever the speed. */
const MAX_MATCHES_PER_RUN = 5_000_000;
const SYNTHETIC_SIZE = 1000;

export const SHORT_QUERIES = [
  '429',
  'AUTH-401',
  'cors preflight',
  'jwt expired',
  '401 vs 403',
  '502',
  'ECONNREFUSED',
  'rate limit exceeded',
  '503 service unavailable',
  'PERMISSION_DENIED',
  'upstream connect error',
  'invalid json',
  '404',
  'token expired',
  'getaddrinfo ENOTFOUND',
  'gateway timeout',
  '413 payload too large',
  'certificate has expired',
  'duplicate webhook',
  'slow responses',
];

const bundled = parseBundle(KNOWLEDGE_BUNDLE_JSON).entries;
const corpus = readFileSync(new URL('../test/fixtures/match-corpus.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line).text);

/** Deterministic made-up words, so every run builds the same synthetic base. */
function wordMaker(seed) {
  let state = seed >>> 0;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const consonants = 'bcdfghjklmnprstvwxz';
  const vowels = 'aeiou';
  const pick = (s) => s[Math.floor(random() * s.length)];
  const word = (syllables = 2 + Math.floor(random() * 2)) => {
    let w = '';
    for (let i = 0; i < syllables; i++) w += pick(consonants) + pick(vowels) + (random() < 0.3 ? pick(consonants) : '');
    return w;
  };
  return { random, word };
}

export function syntheticEntries(size) {
  const { random, word } = wordMaker(20250610);
  const entries = [...bundled];
  for (let n = 0; entries.length < size; n++) {
    const original = bundled[n % bundled.length];
    const words = Array.from({ length: 12 }, () => word());
    const upper = (w) => w.toUpperCase();
    const cap = (w) => w[0].toUpperCase() + w.slice(1);
    const aliases = [
      `${upper(words[0]).slice(0, 4)}-${100 + Math.floor(random() * 900)}`,
      `ERR_${upper(words[1])}_${upper(words[2])}`,
      `${cap(words[3])}${cap(words[4])}Exception`,
      `${words[5]}_${words[6]}_failed`,
    ];
    const signals = [
      `${words[7]} ${words[8]}`,
      `${words[9]}[ -_]?${words[10]}`,
      `${words[11]} (refused|rejected)`,
      `${words[2]} .{0,20}${words[4]}`,
    ];
    const prose = `It shows up as ${words.slice(0, 6).join(' ')} in the ${words[7]} logs of ${words[8]}.`;
    entries.push({
      ...original,
      id: `${original.id}-syn-${n}`,
      title: `${original.title} (${cap(words[0])} ${cap(words[9])})`,
      codes: random() < 0.4 ? [400 + Math.floor(random() * 200)] : [],
      aliases,
      signals,
      summary: `${original.summary} ${prose}`,
      causes: [...original.causes, `The ${words[1]} ${words[3]} ${words[5]} was misconfigured.`],
      examples: [`${words[7]} ${words[8]}: ${aliases[1]} from ${words[10]}.${words[11]}.internal`],
      body: `${original.body}\n\n${prose}`,
      compare: {},
    });
  }
  return entries;
}

function measure(matcher, texts) {
  // Warm-up: JIT, and the matcher's own per-term cache, as in a server that has been up a while.
  for (let pass = 0; pass < 3; pass++) for (const text of texts) matcher.match(text);
  const rates = [];
  for (let run = 0; run < runs; run++) {
    let done = 0;
    const started = performance.now();
    const deadline = started + msPerRun;
    let i = 0;
    while (done < MAX_MATCHES_PER_RUN) {
      matcher.match(texts[i]);
      done++;
      i = i + 1 === texts.length ? 0 : i + 1;
      if (i % 16 === 0 && performance.now() >= deadline) break;
    }
    rates.push(done / ((performance.now() - started) / 1000));
  }
  return rates;
}

const started = performance.now();
const buildBundled = performance.now();
const matcherBundled = createMatcher(bundled);
const bundledBuildMs = performance.now() - buildBundled;
const synthetic = syntheticEntries(SYNTHETIC_SIZE);
const buildSynthetic = performance.now();
const matcherSynthetic = createMatcher(synthetic);
const syntheticBuildMs = performance.now() - buildSynthetic;

const result = {
  runs,
  msPerRun,
  corpusTexts: corpus.length,
  meanCorpusChars: Math.round(corpus.reduce((n, t) => n + t.length, 0) / corpus.length),
  shortQueries: SHORT_QUERIES.length,
  bundledEntries: bundled.length,
  syntheticEntries: synthetic.length,
  bundledBuildMs,
  syntheticBuildMs,
  rates: {
    bundledCorpus: measure(matcherBundled, corpus),
    bundledShort: measure(matcherBundled, SHORT_QUERIES),
    syntheticCorpus: measure(matcherSynthetic, corpus),
    syntheticShort: measure(matcherSynthetic, SHORT_QUERIES),
  },
  // How often the 1,000-entry base still puts the same entry first (clones share prose with the originals).
  sameTop1: corpus.filter((t) => matcherBundled.match(t).matches[0]?.id === matcherSynthetic.match(t).matches[0]?.id)
    .length,
  totalMs: performance.now() - started,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
