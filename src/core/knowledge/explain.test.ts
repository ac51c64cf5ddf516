import { describe, expect, it } from 'vitest';
import { compileKnowledgeDir } from '../../node/knowledge-files.js';
import { explain, parseComparison } from './explain.js';
import { createMatcher } from './matcher.js';

const compiled = compileKnowledgeDir();
if (!compiled.ok) throw new Error(`the knowledge base does not compile: ${JSON.stringify(compiled.issues)}`);
const entries = compiled.bundle.entries;
const byId = new Map(entries.map((entry) => [entry.id, entry]));
const matcher = createMatcher(entries);

describe('parseComparison', () => {
  it.each([
    ['401 vs 403', ['401', '403']],
    ['401 vs. 403', ['401', '403']],
    ['409 versus 422', ['409', '422']],
    ['  AUTH-401  VS  http-403 ', ['AUTH-401', 'http-403']],
  ])('splits "%s" into its two sides', (query, sides) => {
    expect(parseComparison(query)).toEqual(sides);
  });

  it.each(['429', 'jwt expired', 'vs 403', 'canvas service failed'])('does not treat "%s" as a comparison', (query) => {
    expect(parseComparison(query)).toBeUndefined();
  });
});

describe('explain', () => {
  it.each([
    ['401 vs 403', 'http-401', 'http-403'],
    ['409 vs 422', 'http-409', 'http-422'],
    ['502 vs 504', 'http-502', 'http-504'],
    ['http-400 vs http-422', 'http-400', 'http-422'],
    ['AUTH-401 versus PERMISSION_DENIED', 'http-401', 'http-403'],
  ])('compares "%s" with the rules both entries state', (query, leftId, rightId) => {
    const result = explain(matcher, query);
    expect(result.kind).toBe('comparison');
    if (result.kind !== 'comparison') return;
    expect(result.left.id).toBe(leftId);
    expect(result.right.id).toBe(rightId);
    const left = byId.get(leftId);
    const right = byId.get(rightId);
    const expected = [
      ...(left?.compare[rightId] ? [{ from: leftId, to: rightId, text: left.compare[rightId] }] : []),
      ...(right?.compare[leftId] ? [{ from: rightId, to: leftId, text: right.compare[leftId] }] : []),
    ];
    expect(expected.length).toBeGreaterThan(0);
    expect(result.rules).toEqual(expected);
  });

  it('keeps the order the person asked in: "403 vs 401" puts 403 on the left', () => {
    const result = explain(matcher, '403 vs 401');
    expect(result.kind === 'comparison' && [result.left.id, result.right.id]).toEqual(['http-403', 'http-401']);
  });

  it('falls back to explaining the known side when the other side of "vs" is unknown', () => {
    const result = explain(matcher, '401 vs qwzx plorf');
    expect(result.kind).not.toBe('comparison');
    if (result.kind === 'entry') expect(result.entry.id).toBe('http-401');
  });

  it('does not compare an entry with itself ("401 vs AUTH-401")', () => {
    const result = explain(matcher, '401 vs AUTH-401');
    expect(result.kind).not.toBe('comparison');
    if (result.kind === 'entry') expect(result.entry.id).toBe('http-401');
  });

  it('answers "none", echoing the query, when both sides are unknown', () => {
    const result = explain(matcher, 'qwzx vs plorf');
    expect(result).toMatchObject({ kind: 'none', query: 'qwzx vs plorf' });
  });

  it('answers "none" with at most three suggestions when nothing matches', () => {
    const result = explain(matcher, 'qwzx plorf');
    expect(result.kind).toBe('none');
    if (result.kind !== 'none') return;
    expect(result.query).toBe('qwzx plorf');
    expect(Array.isArray(result.suggestions)).toBe(true);
    expect(result.suggestions.length).toBeLessThanOrEqual(3);
  });

  it('explains a clear query with the entry, its match and runners-up that are other entries', () => {
    const result = explain(matcher, 'HTTP 429 Too Many Requests, retry after 30s');
    expect(result.kind).toBe('entry');
    if (result.kind !== 'entry') return;
    expect(result.entry).toBe(byId.get('http-429'));
    expect(result.match.id).toBe('http-429');
    expect(result.lowConfidence).toBe(false);
    expect(result.runnersUp.length).toBeLessThanOrEqual(3);
    expect(result.runnersUp.map((m) => m.id)).not.toContain('http-429');
  });

  it('uses a status code reported by the sender', () => {
    const result = explain(matcher, 'the checkout call failed', { statusCode: 504 });
    expect(result.kind === 'entry' && result.entry.id).toBe('http-504');
  });
});
