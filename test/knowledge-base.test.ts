/**
 * The shipped knowledge base itself: every required entry is complete, the look-alikes say how to tell
 * them apart, vendor and platform codes land on the right entry, the matcher keeps its accuracy on
 * labelled real error texts, and the compiled bundle module loads back unchanged.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBundle } from '../src/core/knowledge/bundle.js';
import { rulesBetween } from '../src/core/knowledge/explain.js';
import { createMatcher, type Matcher } from '../src/core/knowledge/matcher.js';
import { type Entry, LAYERS } from '../src/core/knowledge/schema.js';
import { writeBundleModule } from '../src/node/bundle-module.js';
import { compileKnowledgeDir } from '../src/node/knowledge-files.js';

const compiled = compileKnowledgeDir();
if (!compiled.ok) throw new Error(`the knowledge base does not compile: ${JSON.stringify(compiled.issues)}`);
const bundle = compiled.bundle;
const byId = new Map(bundle.entries.map((entry) => [entry.id, entry]));
const matcher = createMatcher(bundle.entries);

const REQUIRED_IDS =
  'http-400 http-401 http-403 http-404 http-405 http-408 http-409 http-410 http-413 http-415 http-422 http-429 http-500 http-502 http-503 http-504 cors-blocked cors-too-open invalid-json stale-data slow-response duplicate-events bola jwt-error oauth-error gateway-routing upstream-connection tls-error dns-error'.split(
    ' ',
  );

const entry = (id: string): Entry => {
  const found = byId.get(id);
  if (!found) throw new Error(`no entry "${id}"`);
  return found;
};

describe('the required entries', () => {
  it('all exist', () => {
    expect(REQUIRED_IDS.filter((id) => !byId.has(id))).toEqual([]);
  });

  it.each(REQUIRED_IDS.filter((id) => byId.has(id)))(
    '%s is complete: causes, 4+ first checks, 3+ fixes, a layer and comparison rules',
    (id) => {
      const e = entry(id);
      expect(e.causes.length).toBeGreaterThan(0);
      expect(e.first_checks.length).toBeGreaterThanOrEqual(4);
      expect(e.fixes.length).toBeGreaterThanOrEqual(3);
      expect(LAYERS).toContain(e.layer);
      expect(Object.keys(e.compare).length).toBeGreaterThan(0);
      expect(e.summary.length).toBeGreaterThan(0);
      expect(e.body.length).toBeGreaterThan(0);
    },
  );

  it('give every status entry its own status code', () => {
    for (const id of REQUIRED_IDS.filter((candidate) => candidate.startsWith('http-'))) {
      expect(entry(id).codes, id).toContain(Number(id.slice('http-'.length)));
    }
  });
});

describe('the comparisons between look-alikes', () => {
  it.each([
    ['http-401', 'http-403'],
    ['http-409', 'http-422'],
    ['http-400', 'http-422'],
  ])('%s and %s each state how to tell them apart', (a, b) => {
    expect(entry(a).compare[b], `${a} -> ${b}`).toBeTruthy();
    expect(entry(b).compare[a], `${b} -> ${a}`).toBeTruthy();
  });

  it.each([
    ['http-429', 'http-403'],
    ['http-404', 'http-403'],
    ['http-502', 'http-503'],
    ['http-502', 'http-504'],
    ['http-503', 'http-504'],
  ])('%s vs %s has at least one rule', (a, b) => {
    expect(rulesBetween(entry(a), entry(b)).length).toBeGreaterThan(0);
  });
});

describe('vendor and platform codes', () => {
  it.each([
    ['AUTH-401', 'http-401'],
    ['AUTH-403', 'http-403'],
    ['NOTFOUND-404', 'http-404'],
    ['BADREQUEST-400', 'http-400'],
    ['CONFLICT-409', 'http-409'],
    ['TOOLIMITED-429', 'http-429'],
    ['SERVER-500', 'http-500'],
    ['UNAUTHENTICATED', 'http-401'],
    ['PERMISSION_DENIED', 'http-403'],
    ['RESOURCE_EXHAUSTED', 'http-429'],
    ['DEADLINE_EXCEEDED', 'http-504'],
    ['UNAVAILABLE', 'http-503'],
    ['ECONNREFUSED', 'upstream-connection'],
    ['ECONNRESET', 'upstream-connection'],
    ['ENOTFOUND', 'dns-error'],
    ['CERT_HAS_EXPIRED', 'tls-error'],
  ])('%s resolves to %s', (code, id) => {
    const top = matcher.match(code).matches[0];
    expect(top?.id).toBe(id);
    expect(top?.reasons).toContainEqual({ kind: 'alias', detail: code });
  });

  it('ETIMEDOUT resolves to a timeout entry (504) or a connection failure, as Node uses it for both', () => {
    // The knowledge base's own rule: a connect timeout is upstream-connection, a read timeout a 504.
    expect(['http-504', 'upstream-connection']).toContain(matcher.match('ETIMEDOUT').matches[0]?.id);
  });
});

interface LabelledText {
  text: string;
  label: string;
  alt?: string[];
  source?: string;
}

function readLabelled(file: URL): LabelledText[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as LabelledText);
}

function accuracy(m: Matcher, rows: readonly LabelledText[]) {
  let top1 = 0;
  let top3 = 0;
  const misses: string[] = [];
  for (const row of rows) {
    const ids = m.match(row.text).matches.map((match) => match.id);
    const correct = (id: string | undefined) => id === row.label || (id !== undefined && (row.alt ?? []).includes(id));
    if (correct(ids[0])) top1++;
    else misses.push(`${row.label} <- ${ids.slice(0, 3).join(', ')} :: ${row.text.slice(0, 140).replace(/\s+/g, ' ')}`);
    if (ids.slice(0, 3).some(correct)) top3++;
  }
  return { top1: top1 / rows.length, top3: top3 / rows.length, misses };
}

const CORPUS = new URL('./fixtures/match-corpus.jsonl', import.meta.url);
const HOLDOUT = new URL('./fixtures/match-holdout.jsonl', import.meta.url);

describe('accuracy on labelled real error texts', () => {
  it('labels only ids that exist in the knowledge base', () => {
    const rows = [...readLabelled(CORPUS), ...(existsSync(HOLDOUT) ? readLabelled(HOLDOUT) : [])];
    const unknown = rows.flatMap((row) => [row.label, ...(row.alt ?? [])]).filter((id) => !byId.has(id));
    expect(unknown).toEqual([]);
  });

  it('ranks the labelled entry first for 95% of the corpus and in the top 3 for 99%', () => {
    const rows = readLabelled(CORPUS);
    expect(rows.length).toBeGreaterThan(100);
    const { top1, top3, misses } = accuracy(matcher, rows);
    const report = `top-1 ${(top1 * 100).toFixed(1)}%, top-3 ${(top3 * 100).toFixed(1)}% of ${rows.length}; misses:\n${misses.join('\n')}`;
    expect(top1, report).toBeGreaterThanOrEqual(0.95);
    expect(top3, report).toBeGreaterThanOrEqual(0.99);
  });

  it.skipIf(!existsSync(HOLDOUT))(
    'ranks the labelled entry first for 85% of the held-out texts and in the top 3 for 95%',
    () => {
      const rows = readLabelled(HOLDOUT);
      expect(rows.length).toBeGreaterThan(0);
      const { top1, top3, misses } = accuracy(matcher, rows);
      const report = `top-1 ${(top1 * 100).toFixed(1)}%, top-3 ${(top3 * 100).toFixed(1)}% of ${rows.length}; misses:\n${misses.join('\n')}`;
      expect(top1, report).toBeGreaterThanOrEqual(0.85);
      expect(top3, report).toBeGreaterThanOrEqual(0.95);
    },
  );
});

describe('the compiled bundle module', () => {
  const dir = mkdtempSync(join(tmpdir(), 'apierr-bundle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads back through parseBundle into the same entries', async () => {
    const path = join(dir, 'knowledge-bundle.ts');
    writeBundleModule(bundle, path);
    const module = (await import(pathToFileURL(path).href)) as { KNOWLEDGE_BUNDLE_JSON: string };
    expect(typeof module.KNOWLEDGE_BUNDLE_JSON).toBe('string');
    expect(parseBundle(module.KNOWLEDGE_BUNDLE_JSON)).toEqual(bundle);
  });

  it('rejects a bundle that was edited into an invalid shape, naming the field', () => {
    const broken = JSON.parse(JSON.stringify(bundle)) as { entries: { layer: string }[] };
    (broken.entries[0] as { layer: string }).layer = 'nowhere';
    expect(() => parseBundle(JSON.stringify(broken))).toThrow(/entries\.0\.layer/);
  });
});
