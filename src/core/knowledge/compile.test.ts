import { describe, expect, it } from 'vitest';
import { compileKnowledge, type SourceFile } from './compile.js';

interface EntryOptions {
  aliases?: string[];
  compare?: Record<string, string>;
  /** Front-matter lines written before `id:` (a file need not start with it). */
  before?: string[];
}

/** A valid knowledge file for `id`; options change only the fields a cross-entry check looks at. */
function entryFile(dir: string, id: string, options: EntryOptions = {}): SourceFile {
  const compare = Object.entries(options.compare ?? {});
  const lines = [
    '---',
    ...(options.before ?? []),
    `id: ${id}`,
    `title: Title of ${id}`,
    'kind: symptom',
    `aliases: [${(options.aliases ?? []).join(', ')}]`,
    'layer: app',
    `summary: What ${id} means.`,
    'causes: [a cause]',
    'first_checks: [check one, check two]',
    'fixes:',
    '  - id: fix-one',
    '    text: Fix it.',
    ...(compare.length > 0 ? ['compare:', ...compare.map(([other, rule]) => `  ${other}: ${rule}`)] : []),
    '---',
    `The body of ${id}.`,
    '',
  ];
  return { file: `${dir}/${id}.md`, source: lines.join('\n') };
}

function lineContaining(source: string, text: string): number {
  const index = source.split('\n').findIndex((line) => line.includes(text));
  if (index < 0) throw new Error(`test setup: "${text}" is not in the source`);
  return index + 1;
}

function issuesOf(files: SourceFile[]) {
  const result = compileKnowledge(files);
  if (result.ok) throw new Error('expected the knowledge base to be rejected');
  return result.issues;
}

describe('compileKnowledge', () => {
  it('compiles valid entries that compare with each other into a bundle ordered by id', () => {
    const result = compileKnowledge([
      entryFile('kb', 'zeta-error', { compare: { 'alpha-error': 'Zeta is not alpha.' } }),
      entryFile('kb', 'alpha-error', { aliases: ['ALPHA-1'], compare: { 'zeta-error': 'Alpha is not zeta.' } }),
    ]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.bundle.version).toBe(1);
    expect(result.bundle.entries.map((entry) => entry.id)).toEqual(['alpha-error', 'zeta-error']);
    expect(result.bundle.entries[0]?.body).toBe('The body of alpha-error.');
  });

  it('reports the problems of every broken file, not only the first', () => {
    const good = entryFile('kb', 'good-entry');
    const brokenA = { file: 'kb/broken-a.md', source: 'no front matter here' };
    const brokenB = entryFile('kb', 'broken-b');
    brokenB.source = brokenB.source.replace('layer: app', 'layer: nowhere');
    const issues = issuesOf([brokenA, good, brokenB]);
    expect(issues.map((issue) => issue.file)).toEqual(['kb/broken-a.md', 'kb/broken-b.md']);
    expect(issues[1]?.field).toBe('layer');
  });

  it('rejects two files with the same id, naming both files and the line of the second id', () => {
    const first = entryFile('team-a', 'shared-error');
    const second = entryFile('team-b', 'shared-error', { before: ['title: Written before the id'] });
    second.source = second.source.replace('title: Title of shared-error\n', '');
    const issues = issuesOf([first, second]);
    expect(issues).toEqual([
      expect.objectContaining({
        file: 'team-b/shared-error.md',
        field: 'id',
        line: lineContaining(second.source, 'id: shared-error'),
      }),
    ]);
    expect(issues[0]?.message).toContain('team-a/shared-error.md');
  });

  it('rejects a comparison with an id no entry has, on the line of that compare key', () => {
    const entry = entryFile('kb', 'some-error', {
      compare: { 'other-error': 'A known look-alike.', 'missing-error': 'A look-alike that does not exist.' },
    });
    const issues = issuesOf([entry, entryFile('kb', 'other-error')]);
    expect(issues).toEqual([
      expect.objectContaining({
        file: 'kb/some-error.md',
        field: 'compare.missing-error',
        line: lineContaining(entry.source, '  missing-error:'),
      }),
    ]);
    expect(issues[0]?.message).toContain('missing-error');
  });

  it('rejects an alias claimed by two entries, ignoring case, and names the first owner', () => {
    const owner = entryFile('kb', 'first-owner', { aliases: ['TEAM-500'] });
    const claimant = entryFile('kb', 'second-claimant', { aliases: ['OTHER-1', 'team-500'] });
    const issues = issuesOf([owner, claimant]);
    expect(issues).toEqual([
      expect.objectContaining({
        file: 'kb/second-claimant.md',
        field: 'aliases',
        line: lineContaining(claimant.source, 'aliases:'),
      }),
    ]);
    expect(issues[0]?.message).toContain('first-owner');
  });
});

describe('compileKnowledge on top of a base (a team folder over the bundled entries)', () => {
  const base = (() => {
    const result = compileKnowledge([
      entryFile('knowledge', 'http-429', { aliases: ['TOOLIMITED-429'] }),
      entryFile('knowledge', 'http-503'),
    ]);
    if (!result.ok) throw new Error('test setup: the base does not compile');
    return result.bundle.entries;
  })();

  it('adds the team entries after the base ones, and lets them compare with base ids', () => {
    const result = compileKnowledge([entryFile('team', 'pay-declined', { compare: { 'http-429': 'A rule.' } })], {
      base,
    });
    expect(result.ok && result.bundle.entries.map((e) => e.id)).toEqual(['http-429', 'http-503', 'pay-declined']);
  });

  it('replaces a base entry that has the same id, and lets a team entry claim a base alias', () => {
    const result = compileKnowledge(
      [
        entryFile('team', 'http-429', { aliases: ['GW-429'] }),
        entryFile('team', 'gw-throttle', { aliases: ['TOOLIMITED-429'] }),
      ],
      { base },
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.bundle.entries.map((e) => `${e.id}:${e.title}`)).toEqual([
      'http-503:Title of http-503',
      'gw-throttle:Title of gw-throttle',
      'http-429:Title of http-429',
    ]);
    expect(result.bundle.entries.find((e) => e.id === 'http-429')?.aliases).toEqual(['GW-429']);
  });

  it('still rejects two team files claiming the same alias, and comparisons with ids nobody has', () => {
    const result = compileKnowledge(
      [
        entryFile('team', 'team-a', { aliases: ['PAY-1003'] }),
        entryFile('team', 'team-b', { aliases: ['PAY-1003'], compare: { 'no-such-id': 'A rule.' } }),
      ],
      { base },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => `${issue.file}: ${issue.field}`).sort()).toEqual([
      'team/team-b.md: aliases',
      'team/team-b.md: compare.no-such-id',
    ]);
  });
});
