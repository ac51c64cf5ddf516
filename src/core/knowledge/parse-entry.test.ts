import { describe, expect, it } from 'vitest';
import { parseEntry } from './parse-entry.js';

const FILE = 'knowledge/demo-error.md';

/** Front matter of a valid entry, one field per line, so that a test can break exactly one line. */
const FRONT_MATTER = `id: demo-error
title: 418 Demo Error
kind: status
codes: [418]
aliases: [DEMO-418]
signals:
  - 'demo (failure|error)'
  - 'teapot'
  - 'short and stout'
layer: app
summary: The demo service refused to brew.
causes:
  - The kettle is a teapot.
first_checks:
  - Look at the kettle.
  - Look at the cup.
fixes:
  - id: use-kettle
    text: Use a kettle.
  - id: use-cup
    text: Use a cup.
compare:
  http-500: A 418 is deliberate; a 500 is not.`;

const BODY = 'A demo entry.\n\nIt has two paragraphs.';

const fileWith = (frontMatter: string, body = BODY) => `---\n${frontMatter}\n---\n${body}\n`;

/** 1-based line number of the first line of `source` that contains `text`: where an issue must point. */
function lineContaining(source: string, text: string): number {
  const index = source.split('\n').findIndex((line) => line.includes(text));
  if (index < 0) throw new Error(`test setup: "${text}" is not in the source`);
  return index + 1;
}

function issuesOf(source: string, file = FILE) {
  const result = parseEntry(file, source);
  if (result.ok) throw new Error('expected the entry to be rejected');
  return result.issues;
}

describe('parseEntry', () => {
  it('parses a valid entry with its front matter and its Markdown body', () => {
    const result = parseEntry(FILE, fileWith(FRONT_MATTER));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.entry.id).toBe('demo-error');
    expect(result.entry.codes).toEqual([418]);
    expect(result.entry.fixes.map((fix) => fix.id)).toEqual(['use-kettle', 'use-cup']);
    expect(result.entry.compare).toEqual({ 'http-500': 'A 418 is deliberate; a 500 is not.' });
    expect(result.entry.body).toBe(BODY);
  });

  it('fills the optional lists with empty defaults when a file leaves them out', () => {
    const minimal = FRONT_MATTER.replace(/^aliases:.*\n/m, '').replace(/^compare:\n.*\n?/m, '');
    const result = parseEntry(FILE, fileWith(minimal));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.entry.aliases).toEqual([]);
    expect(result.entry.compare).toEqual({});
    expect(result.entry.references).toEqual([]);
    expect(result.entry.examples).toEqual([]);
  });

  it('reads files saved with Windows line endings and a byte-order mark like any other file', () => {
    const windows = `\uFEFF${fileWith(FRONT_MATTER).replace(/\n/g, '\r\n')}`;
    const result = parseEntry(FILE, windows);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.entry.body).toBe(BODY);
  });

  it('rejects a file that does not start with a front-matter fence', () => {
    const [issue] = issuesOf(`${FRONT_MATTER}\n---\n${BODY}\n`);
    expect(issue).toMatchObject({ file: FILE, line: 1, field: '(front matter)' });
    expect(issue?.message).toMatch(/---/);
  });

  it('reports a front matter with no closing --- line', () => {
    const issues = issuesOf(`---\n${FRONT_MATTER}\n\n${BODY}\n`);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: FILE, field: '(front matter)' });
    expect(issues[0]?.message).toMatch(/closing "---"/);
  });

  it.each([
    ['a value with an unquoted colon', 'summary: The demo service: refused to brew.', 'summary: The demo service'],
    ['a key written twice', 'layer: app\nlayer: client', 'layer: client'],
  ])('points invalid YAML (%s) at the line of the error', (_name, replacement, brokenLine) => {
    const original = replacement.startsWith('summary') ? 'summary: The demo service refused to brew.' : 'layer: app';
    const source = fileWith(FRONT_MATTER.replace(original, replacement));
    const issues = issuesOf(source);
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) {
      expect(issue).toMatchObject({ file: FILE, field: '(yaml)', line: lineContaining(source, brokenLine) });
      expect(issue.message.length).toBeGreaterThan(0);
    }
  });

  it('names a missing required field and points at the start of the front matter', () => {
    const source = fileWith(FRONT_MATTER.replace(/^summary:.*\n/m, ''));
    const issues = issuesOf(source);
    expect(issues).toEqual([expect.objectContaining({ file: FILE, field: 'summary', line: 2 })]);
  });

  it('names the list item that has the wrong type, on its line', () => {
    const source = fileWith(FRONT_MATTER.replace('codes: [418]', 'codes: ["x"]'));
    const issues = issuesOf(source);
    expect(issues).toEqual([
      expect.objectContaining({ file: FILE, field: 'codes.0', line: lineContaining(source, 'codes:') }),
    ]);
  });

  it('rejects a status code outside 100-599', () => {
    const source = fileWith(FRONT_MATTER.replace('codes: [418]', 'codes: [418, 999]'));
    expect(issuesOf(source)).toEqual([expect.objectContaining({ field: 'codes.1' })]);
  });

  it('names the signal that is not a valid regular expression by its position, on its line', () => {
    const source = fileWith(FRONT_MATTER.replace("'short and stout'", "'short (and stout'"));
    const issues = issuesOf(source);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: FILE, field: 'signals.2', line: lineContaining(source, 'short (and') });
    expect(issues[0]?.message).toMatch(/regular expression/);
  });

  it('rejects a layer that is not one of the known layers, on the layer line', () => {
    const source = fileWith(FRONT_MATTER.replace('layer: app', 'layer: database'));
    const issues = issuesOf(source);
    expect(issues).toEqual([
      expect.objectContaining({ file: FILE, field: 'layer', line: lineContaining(source, 'layer: database') }),
    ]);
  });

  it('rejects two fixes with the same id, pointing at the second one', () => {
    const source = fileWith(FRONT_MATTER.replace('id: use-cup', 'id: use-kettle'));
    const issues = issuesOf(source);
    const secondFixLine = source.split('\n').lastIndexOf('  - id: use-kettle') + 1;
    expect(issues).toEqual([expect.objectContaining({ file: FILE, field: 'fixes.1.id', line: secondFixLine })]);
    expect(issues[0]?.message).toMatch(/use-kettle/);
  });

  it('rejects an entry that compares with itself', () => {
    const source = fileWith(FRONT_MATTER.replace('  http-500:', '  demo-error:'));
    expect(issuesOf(source)).toEqual([expect.objectContaining({ field: 'compare.demo-error' })]);
  });

  it('rejects an unknown field instead of silently ignoring a typo', () => {
    const source = fileWith(FRONT_MATTER.replace('first_checks:', 'first_check:'));
    const issues = issuesOf(source);
    expect(issues.some((issue) => issue.message.includes('first_check'))).toBe(true);
    expect(issues.map((issue) => issue.field)).toContain('first_checks');
  });

  it('rejects an id that differs from the file name, on the id line', () => {
    const source = fileWith(FRONT_MATTER);
    const issues = issuesOf(source, 'knowledge/other-name.md');
    expect(issues).toEqual([
      expect.objectContaining({ file: 'knowledge/other-name.md', field: 'id', line: lineContaining(source, 'id:') }),
    ]);
    expect(issues[0]?.message).toMatch(/other-name/);
  });

  it('rejects an entry with an empty body', () => {
    const issues = issuesOf(fileWith(FRONT_MATTER, '  \n\n'));
    expect(issues).toEqual([expect.objectContaining({ file: FILE, field: '(body)' })]);
  });
});
