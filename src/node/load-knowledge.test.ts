import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApierrError, KnowledgeError } from '../core/errors.js';
import { createMatcher } from '../core/knowledge/matcher.js';
import { compileKnowledgeDir } from './knowledge-files.js';
import { loadKnowledge } from './load-knowledge.js';

const compiled = compileKnowledgeDir();
if (!compiled.ok) throw new Error('the knowledge base does not compile');
const bundled = compiled.bundle.entries;

const root = mkdtempSync(join(tmpdir(), 'apierr-load-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function folder(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const [file, source] of Object.entries(files)) writeFileSync(join(dir, file), source);
  return dir;
}

const teamEntry = (id: string, extra: string[] = []) =>
  [
    '---',
    `id: ${id}`,
    'title: PAY-1003 card declined',
    'kind: symptom',
    'aliases: [PAY-1003, ECONNRESET]',
    'layer: dependency',
    'summary: The issuer declined the card.',
    'causes: [insufficient funds]',
    'first_checks: [read the decline code, check the decline rate]',
    'fixes:',
    '  - id: ask-for-another-card',
    '    text: Ask for another card.',
    ...extra,
    '---',
    'The body.',
    '',
  ].join('\n');

describe('loadKnowledge', () => {
  it('returns the bundled entries alone without a folder', async () => {
    const { entries } = await loadKnowledge({ bundled });
    expect(entries.map((e) => e.id)).toEqual(bundled.map((e) => e.id));
  });

  it('reads the compiled bundle when no entries are passed in', async () => {
    const { entries } = await loadKnowledge({});
    expect(entries.map((e) => e.id).sort()).toEqual(bundled.map((e) => e.id).sort());
  });

  it("adds a team's entries, and a team alias wins over a bundled one in the matcher", async () => {
    const dir = folder('adds', { 'pay-card-declined.md': teamEntry('pay-card-declined'), 'README.md': '# notes' });
    const { entries } = await loadKnowledge({ dir, bundled });
    expect(entries).toHaveLength(bundled.length + 1);
    expect(entries.at(-1)?.id).toBe('pay-card-declined');
    const matcher = createMatcher(entries);
    expect(matcher.match('PAY-1003').matches[0]?.id).toBe('pay-card-declined');
    expect(matcher.match('ECONNRESET').matches[0]?.id).toBe('pay-card-declined');
  });

  it('replaces a bundled entry that has the same id', async () => {
    const dir = folder('replaces', {
      'http-429.md': teamEntry('http-429').replace('PAY-1003 card declined', 'Our gateway throttled you'),
    });
    const { entries } = await loadKnowledge({ dir, bundled });
    expect(entries).toHaveLength(bundled.length);
    expect(entries.filter((e) => e.id === 'http-429').map((e) => e.title)).toEqual(['Our gateway throttled you']);
  });

  it('throws a knowledge_invalid ApierrError naming file, line and field for a bad file', async () => {
    const dir = folder('bad', {
      'good.md': teamEntry('good').replace('PAY-1003, ECONNRESET', 'PAY-1'),
      'broken.md': teamEntry('broken').replace('layer: dependency', 'layer: database'),
    });
    const error = await loadKnowledge({ dir, bundled }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KnowledgeError);
    expect(error).toBeInstanceOf(ApierrError);
    expect((error as ApierrError).code).toBe('knowledge_invalid');
    expect((error as Error).message).toMatch(/broken\.md:6: layer: /);
    expect((error as Error).message).not.toContain('good.md');
  });

  it('names a comparison with an id that exists nowhere', async () => {
    const dir = folder('bad-compare', {
      'team-x.md': teamEntry('team-x', ['compare:', '  http-4299: A rule.']),
    });
    await expect(loadKnowledge({ dir, bundled })).rejects.toThrow(/team-x\.md:\d+: compare\.http-4299: no entry/);
  });

  it('names the folder when it cannot be read', async () => {
    await expect(loadKnowledge({ dir: join(root, 'missing'), bundled })).rejects.toThrow(
      /missing:0: \(folder\): cannot read the knowledge folder \(ENOENT\)/,
    );
  });
});
