/**
 * The `apierr` command. Most cases run the CLI in-process through runCli with fake streams; the
 * "real process" cases run the built `bin/apierr.js` with node, as a user would.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import { parseBundle } from '../src/core/knowledge/bundle.js';
import { compileKnowledgeDir } from '../src/node/knowledge-files.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/apierr.js');
const BUILT_CLI = join(ROOT, 'dist/cli-main.js');

const compiled = compileKnowledgeDir();
if (!compiled.ok) throw new Error(`the knowledge base does not compile: ${JSON.stringify(compiled.issues)}`);
const entries = compiled.bundle.entries;
const entry = (id: string) => {
  const found = entries.find((e) => e.id === id);
  if (!found) throw new Error(`no entry "${id}"`);
  return found;
};

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

async function cli(args: string[], stdin = ''): Promise<CliRun> {
  const stdout = sink();
  const stderr = sink();
  const code = await runCli(args, { stdout: stdout.stream, stderr: stderr.stream, stdin: Readable.from([stdin]) });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

function realCli(args: string[], stdin = ''): CliRun {
  if (!existsSync(BUILT_CLI)) {
    throw new Error(`${BUILT_CLI} is missing: run "npm run build" before these tests`);
  }
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, input: stdin, encoding: 'utf8' });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** The lines of a numbered list ("  1. text") in order. */
const numberedItems = (text: string) => [...text.matchAll(/^\s*(\d+)\. (.+)$/gm)].map((m) => [Number(m[1]), m[2]]);

const NO_STACK = '    at ';

const tmpRoot = mkdtempSync(join(tmpdir(), 'apierr-cli-'));
afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }));

describe('apierr explain', () => {
  it('explains 429 with its title, likely layer, numbered first checks and numbered fixes (real process)', () => {
    const { code, stdout, stderr } = realCli(['explain', '429']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const e = entry('http-429');
    expect(stdout).toContain(e.title);
    expect(stdout).toMatch(/Likely layer: \S/);
    const items = numberedItems(stdout);
    const checks = e.first_checks.map((text, i) => [i + 1, text]);
    const fixes = e.fixes.map((fix, i) => [i + 1, fix.text]);
    expect(items).toEqual([...checks, ...fixes]);
    // The checks come before the fixes, each under its heading.
    expect(stdout.indexOf(e.first_checks[0] as string)).toBeLessThan(stdout.indexOf(e.fixes[0]?.text as string));
  });

  it('does not colour its output when stdout is not a terminal', async () => {
    const { stdout } = await cli(['explain', '429']);
    expect(stdout).not.toContain('\x1b[');
  });

  it('compares "401 vs 403" with both titles and the rules', async () => {
    const { code, stdout } = await cli(['explain', '401 vs 403']);
    expect(code).toBe(0);
    const e401 = entry('http-401');
    const e403 = entry('http-403');
    expect(stdout).toContain(e401.title);
    expect(stdout).toContain(e403.title);
    const rules = [e401.compare['http-403'], e403.compare['http-401']].filter((rule) => rule !== undefined);
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) expect(stdout).toContain(rule);
  });

  it('accepts the comparison as separate words, as a shell passes them', async () => {
    const { stdout } = await cli(['explain', '409', 'vs', '422']);
    expect(stdout).toContain(entry('http-409').title);
    expect(stdout).toContain(entry('http-422').title);
  });

  it('says plainly when nothing matches and shows how to ask', async () => {
    const { code, stdout } = await cli(['explain', 'qwzx', 'plorf']);
    expect(code).toBe(0);
    expect(stdout).toContain('qwzx plorf');
    expect(stdout).toMatch(/Try a status code/);
  });
});

describe('apierr match', () => {
  it('prints {"matches":[{id,confidence,reasons}]} with http-401 first for AUTH-401', async () => {
    const { code, stdout } = await cli(['match', '--json', 'AUTH-401']);
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout) as { matches: { id: string; confidence: number; reasons: unknown[] }[] };
    expect(parsed.matches[0]?.id).toBe('http-401');
    for (const match of parsed.matches) {
      expect(typeof match.id).toBe('string');
      expect(match.confidence).toBeGreaterThanOrEqual(0);
      expect(match.confidence).toBeLessThanOrEqual(1);
      expect(match.reasons.length).toBeGreaterThan(0);
    }
    expect(parsed.matches[0]?.reasons).toContainEqual({ kind: 'alias', detail: 'AUTH-401' });
  });

  it('honours --limit', async () => {
    const { stdout } = await cli(['match', '--json', '--limit', '1', 'the billing call failed with 503']);
    expect((JSON.parse(stdout) as { matches: unknown[] }).matches).toHaveLength(1);
  });

  it('reads one query per stdin line and prints one JSON line per query, in order (real process)', () => {
    const input = 'AUTH-401\n\nError: getaddrinfo ENOTFOUND api.example.com\n';
    const { code, stdout, stderr } = realCli(['match', '--json'], input);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    const results = lines.map((line) => JSON.parse(line) as { matches: { id: string }[] });
    expect(results[0]?.matches[0]?.id).toBe('http-401');
    expect(results[1]?.matches).toEqual([]);
    expect(results[2]?.matches[0]?.id).toBe('dns-error');
  });

  it('handles Windows line endings and a last line without a newline in batch mode', async () => {
    const { stdout } = await cli(['match', '--json'], 'AUTH-401\r\nCERT_HAS_EXPIRED');
    const ids = stdout
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { matches: { id: string }[] }).matches[0]?.id);
    expect(ids).toEqual(['http-401', 'tls-error']);
  });
});

describe('apierr kb', () => {
  const validEntry = (id: string) =>
    [
      '---',
      `id: ${id}`,
      'title: A team error',
      'kind: symptom',
      'aliases: [TEAM-1]',
      'layer: app',
      'summary: Something the team knows about.',
      'causes: [a cause]',
      'first_checks: [one, two]',
      'fixes:',
      '  - id: fix-it',
      '    text: Fix it.',
      '---',
      'The body.',
      '',
    ].join('\n');

  it('check exits non-zero on a folder with a broken entry, naming the file and the field', async () => {
    const dir = join(tmpRoot, 'broken-kb');
    mkdirSync(dir);
    writeFileSync(join(dir, 'team-error.md'), validEntry('team-error'));
    writeFileSync(
      join(dir, 'broken-entry.md'),
      validEntry('broken-entry').replace('layer: app', 'layer: database').replace('TEAM-1', 'TEAM-2'),
    );
    const { code, stdout, stderr } = await cli(['kb', 'check', '--knowledge', dir]);
    expect(code).not.toBe(0);
    expect(stdout).not.toMatch(/^ok/m);
    expect(stderr).toMatch(/broken-entry\.md:\d+: layer:/);
    expect(stderr).not.toContain('team-error.md');
  });

  it('check exits 0 on the shipped knowledge folder', async () => {
    const { code, stdout, stderr } = await cli(['kb', 'check']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(String(entries.length));
  });

  it('list --json gives id, title, codes, aliases, first checks and fixes for every entry', async () => {
    const { code, stdout } = await cli(['kb', 'list', '--json']);
    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as Record<string, unknown>[];
    expect(rows.map((row) => row.id)).toEqual(entries.map((e) => e.id));
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(['aliases', 'codes', 'first_checks', 'fixes', 'id', 'title']);
      const e = entry(row.id as string);
      expect(row).toEqual({
        id: e.id,
        title: e.title,
        codes: e.codes,
        aliases: e.aliases,
        first_checks: e.first_checks,
        fixes: e.fixes,
      });
    }
  });

  it('build --out writes a module that loads back into the whole knowledge base', async () => {
    const out = join(tmpRoot, 'built', 'bundle.ts');
    const { code } = await cli(['kb', 'build', '--out', out]);
    expect(code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^export const KNOWLEDGE_BUNDLE_JSON/m);
    const module = (await import(pathToFileURL(out).href)) as { KNOWLEDGE_BUNDLE_JSON: string };
    expect(parseBundle(module.KNOWLEDGE_BUNDLE_JSON).entries.map((e) => e.id)).toEqual(entries.map((e) => e.id));
  });
});

describe('bad arguments', () => {
  it.each([
    ['an unknown command', ['frobnicate']],
    ['a limit of 0', ['match', '--limit', '0', 'AUTH-401']],
    ['a limit that is not a number', ['match', '-n', 'many', 'AUTH-401']],
    ['explain with no query', ['explain']],
  ])('%s exits non-zero with a usage message and no stack trace', async (_name, args) => {
    const { code, stdout, stderr } = await cli(args);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/error:/);
    expect(stderr).toMatch(/usage/i);
    expect(stderr).not.toContain(NO_STACK);
    expect(stdout).toBe('');
  });
});
