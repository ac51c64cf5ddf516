import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileKnowledgeDir } from '../../node/knowledge-files.js';
import { anchorOf, type IndexedSignal, SignalIndex } from './signal-index.js';

const compiled = compileKnowledgeDir();
if (!compiled.ok) throw new Error(`the knowledge base does not compile: ${JSON.stringify(compiled.issues)}`);
const entries = compiled.bundle.entries;

const signals: IndexedSignal[] = entries.flatMap((entry, entryIndex) =>
  entry.signals.map((source) => ({ entryIndex, source, regex: new RegExp(source, 'i'), anchor: anchorOf(source) })),
);
const index = new SignalIndex(signals);

/** What the index must reproduce: every signal regex tested against the text. */
const bruteForce = (lower: string) => signals.filter((signal) => signal.regex.test(lower));

function viaIndex(lower: string): IndexedSignal[] {
  const found: IndexedSignal[] = [];
  index.matching(lower, (signal) => found.push(signal));
  return found;
}

const sources = (list: readonly IndexedSignal[]) => list.map((s) => `${s.entryIndex}:${s.source}`).sort();

describe('anchorOf', () => {
  it.each([
    ['a literal word', 'throttl', 'throttl'],
    ['a literal word between word boundaries', '\\bjwt\\b', 'jwt'],
    ['the longest of several required words', 'upstream connect error', 'upstream'],
    ['a word after a character class', '[a-z]+ unreachable', 'unreachable'],
    ['a word after a group with an alternation inside', '(connection|socket) refused', 'refused'],
    ['a word before an optional group', 'getaddrinfo( failed)?', 'getaddrinfo'],
    ['a word written with escaped punctuation around it', 'x\\-ratelimit\\-remaining', 'ratelimit'],
  ])('files %s under a word every match contains (%s)', (_name, source, expected) => {
    expect(anchorOf(source)).toBe(expected);
  });

  it.each([
    ['an optional final letter', 'requests?', ['requests', 'request']],
    ['an optional letter in the middle', 'colou?r', ['colour', 'color']],
    ['a letter that may repeat zero times', 'timeouts*', ['timeout', 'timeoutsss']],
    ['a letter with a {0,n} quantifier', 'rate-limited{0,1}', ['rate-limite', 'rate-limited']],
    ['an optional separator', 'rate.?limit', ['ratelimit', 'rate limit', 'rate-limit']],
    ['an escaped class shorthand', 'took \\d+ ?ms', ['took 5ms', 'took 500 ms']],
  ])('never files a signal under letters a match can leave out (%s)', (_name, source, matches) => {
    const anchor = anchorOf(source);
    expect(anchor).toBeDefined();
    for (const text of matches) {
      expect(new RegExp(source, 'i').test(text)).toBe(true);
      expect(text.toLowerCase()).toContain(anchor);
    }
  });

  it('gives up on an alternation at the top level, where no word is required', () => {
    expect(anchorOf('timed out|timeout')).toBeUndefined();
    expect(anchorOf('deadline exceeded|context canceled')).toBeUndefined();
  });

  it.each([
    ['only groups', '(foo|bar)(baz)'],
    ['only a class', '[a-z]+'],
    ['runs shorter than three letters', 'ab?cd'],
    ['only escapes', '\\w+\\s\\d+'],
  ])('finds no anchor when the pattern has no required run of 3+ letters (%s)', (_name, source) => {
    expect(anchorOf(source)).toBeUndefined();
  });

  it('gives the anchor in lowercase, as the index compares it with lowercased text', () => {
    expect(anchorOf('Too Many Requests')).toBe('requests');
    expect(anchorOf('ECONNREFUSED')).toBe('econnrefused');
  });
});

/** fast-check cannot generate from \b or lookarounds; drop them (the output is only text to search). */
const generatable = (source: string) =>
  source
    .replace(/\\b/g, '')
    .replace(/\(\?<?[!=][^)]*\)/g, '')
    .replace(/\\d/g, '[0-9]');

function sampler(source: string): fc.Arbitrary<string> | undefined {
  try {
    const arbitrary = fc.stringMatching(new RegExp(generatable(source)), { size: 'xsmall' });
    fc.sample(arbitrary, 1);
    return arbitrary;
  } catch {
    return undefined;
  }
}

describe('SignalIndex', () => {
  const samplers = entries
    .flatMap((entry) => entry.signals)
    .map(sampler)
    .filter((s) => s !== undefined);
  const vocabulary = [
    ...new Set(
      entries.flatMap((entry) => entry.signals.flatMap((source) => source.toLowerCase().match(/[a-z]{2,}/g) ?? [])),
    ),
  ];
  const examples = entries.flatMap((entry) => entry.examples);

  it('can generate text for most of the knowledge base signals (the property below depends on it)', () => {
    expect(samplers.length).toBeGreaterThan(signals.length * 0.9);
  });

  it('reports exactly the signals that testing every regex would report, each once', () => {
    const fragment = fc.oneof(
      { arbitrary: fc.oneof(...samplers), weight: 4 },
      { arbitrary: fc.constantFrom(...vocabulary), weight: 4 },
      { arbitrary: fc.constantFrom(...examples), weight: 1 },
      { arbitrary: fc.string({ maxLength: 6 }), weight: 2 },
      { arbitrary: fc.string({ maxLength: 4, unit: 'binary' }), weight: 1 },
    );
    const separator = fc.constantFrom('', ' ', ' ', '-', '_', '.', ': ', '\n', '/', '"');
    const text = fc
      .array(fc.tuple(fragment, separator), { maxLength: 8 })
      .map((parts) => parts.map(([f, s]) => f + s).join(''));

    fc.assert(
      fc.property(text, (raw) => {
        const lower = raw.toLowerCase();
        const found = viaIndex(lower);
        expect(sources(found)).toEqual(sources(bruteForce(lower)));
        expect(new Set(found).size).toBe(found.length);
      }),
      { numRuns: 250 },
    );
  });

  it('agrees with testing every regex on the labelled corpus of real error texts', () => {
    const corpus = readFileSync(new URL('../../../test/fixtures/match-corpus.jsonl', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => (JSON.parse(line) as { text: string }).text.toLowerCase());
    let fired = 0;
    for (const lower of corpus) {
      const expected = sources(bruteForce(lower));
      fired += expected.length;
      expect(sources(viaIndex(lower)), lower.slice(0, 120)).toEqual(expected);
    }
    // The comparison means something only if signals actually fire on real text.
    expect(fired).toBeGreaterThan(corpus.length);
  });

  it('finds signals at the very start and the very end of the text', () => {
    const own = new SignalIndex([
      { entryIndex: 0, source: 'throttl', regex: /throttl/i, anchor: 'throttl' },
      { entryIndex: 1, source: 'refused', regex: /refused/i, anchor: 'refused' },
    ]);
    const found: string[] = [];
    own.matching('throttled because the upstream refused', (signal) => found.push(signal.source));
    expect(found.sort()).toEqual(['refused', 'throttl']);
  });
});
