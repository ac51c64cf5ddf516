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
import { createMatcher } from '../src/core/knowledge/matcher.js';
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

  it.each([
    ['522', 'cdn-origin-error'],
    ['499', 'http-499'],
    ['431', 'http-431'],
    ['deadlock detected', 'db-deadlock'],
    ['CallNotPermittedException', 'circuit-open'],
  ])('explains %s with the %s entry', async (query, id) => {
    const { code, stdout } = await cli(['explain', query]);
    expect(code).toBe(0);
    const e = entry(id);
    expect(stdout.split('\n')[0]).toContain(e.title);
    expect(stdout).toContain(`[${id},`);
    expect(stdout).toContain(e.first_checks[0]);
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

  it('list --json shows the newer entries with their ordered first checks and fixes', async () => {
    const rows = JSON.parse((await cli(['kb', 'list', '--json'])).stdout) as {
      id: string;
      first_checks: string[];
      fixes: { id: string; text: string }[];
    }[];
    const newer =
      'http-412 http-414 http-421 http-426 http-431 http-499 http-501 http-507 cdn-origin-error pool-exhausted db-deadlock circuit-open websocket-error graphql-error webhook-signature idempotency-conflict quota-exceeded api-deprecated csrf-error redirect-loop http2-protocol mtls-error'.split(
        ' ',
      );
    for (const id of newer) {
      const row = rows.find((candidate) => candidate.id === id);
      expect(row, id).toBeDefined();
      expect(row?.first_checks.length, id).toBeGreaterThanOrEqual(4);
      expect(row?.fixes.length, id).toBeGreaterThanOrEqual(3);
      for (const fix of row?.fixes ?? []) expect(fix.id).toMatch(/^[a-z0-9][a-z0-9-]*$/);
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

/** The README's complete example of a team entry for an internal error code (so the README cannot go stale). */
const TEAM_ENTRY = (() => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /```markdown\n(---\nid: pay-card-declined[\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README.md has no example team entry (a markdown block for pay-card-declined)');
  return block[1] as string;
})();

describe('a team knowledge folder (--dir)', () => {
  const teamDir = (name: string, files: Record<string, string>) => {
    const dir = join(tmpRoot, name);
    mkdirSync(dir, { recursive: true });
    for (const [file, source] of Object.entries(files)) writeFileSync(join(dir, file), source);
    return dir;
  };
  const good = teamDir('team-good', {
    'pay-card-declined.md': TEAM_ENTRY,
    // The team's own 429, replacing the bundled one, and claiming a bundled alias of another entry.
    'http-429.md': TEAM_ENTRY.replace('id: pay-card-declined', 'id: http-429')
      .replace('title: PAY-1003 card declined by the issuer', 'title: 429 from our API gateway')
      .replace('aliases: [PAY-1003, ERR_CARD_DECLINED]', 'aliases: [GW-429, ECONNRESET]')
      .replace('codes: [402]', 'codes: [429]')
      .replace("  - 'card (was )?declined by (the )?issuer'", "  - 'gateway throttled'"),
  });

  it('explain --dir finds a team error code and prints the team entry', async () => {
    const { code, stdout, stderr } = await cli(['explain', '--dir', good, 'PAY-1003']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('PAY-1003 card declined by the issuer');
    expect(stdout).toContain('Open the charge in the payments dashboard');
  });

  it('match --dir gives team aliases to the team entry, even an alias a bundled entry also claims', async () => {
    const { stdout } = await cli(['match', '--json', '--dir', good], 'ERR_CARD_DECLINED\nECONNRESET\nGW-429\n');
    const ids = stdout
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { matches: { id: string }[] }).matches[0]?.id);
    expect(ids).toEqual(['pay-card-declined', 'http-429', 'http-429']);
    // Without the folder, the bundled entries answer as before.
    const plain = await cli(['match', '--json', 'ECONNRESET']);
    expect((JSON.parse(plain.stdout) as { matches: { id: string }[] }).matches[0]?.id).toBe('upstream-connection');
  });

  it('an entry with a bundled id replaces the bundled one (kb list --dir)', async () => {
    const { stdout } = await cli(['kb', 'list', '--json', '--dir', good]);
    const rows = JSON.parse(stdout) as { id: string; title: string }[];
    expect(rows).toHaveLength(entries.length + 1);
    expect(rows.filter((row) => row.id === 'http-429').map((row) => row.title)).toEqual(['429 from our API gateway']);
    expect(rows.at(-1)?.id).toBe('pay-card-declined');
  });

  it('kb check --dir accepts a valid folder', async () => {
    const { code, stdout, stderr } = await cli(['kb', 'check', '--dir', good]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`ok: ${entries.length + 1} entries are valid`);
  });

  it('kb check, explain and match --dir stop on a bad file with its file, line and field', async () => {
    const bad = teamDir('team-bad', {
      'pay-card-declined.md': TEAM_ENTRY.replace('layer: dependency', 'layer: payments'),
    });
    for (const args of [
      ['kb', 'check', '--dir', bad],
      ['explain', '--dir', bad, 'PAY-1003'],
      ['match', '--dir', bad, 'PAY-1003'],
    ]) {
      const { code, stdout, stderr } = await cli(args);
      expect(code, args.join(' ')).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/pay-card-declined\.md:9: layer: /);
    }
  });

  it('kb build --dir bundles the team entries, and the bundle keeps the team alias winning', async () => {
    const out = join(tmpRoot, 'team-built', 'bundle.ts');
    const { code } = await cli(['kb', 'build', '--dir', good, '--out', out]);
    expect(code).toBe(0);
    const module = (await import(pathToFileURL(out).href)) as { KNOWLEDGE_BUNDLE_JSON: string };
    const built = parseBundle(module.KNOWLEDGE_BUNDLE_JSON).entries;
    expect(built.map((e) => e.id)).toContain('pay-card-declined');
    expect(createMatcher(built).match('ECONNRESET').matches[0]?.id).toBe('http-429');
  });

  it('kb new writes a skeleton that kb check rejects field by field until it is filled in (real process)', () => {
    const dir = join(tmpRoot, 'team-new');
    const created = realCli(['kb', 'new', 'pay-card-declined', '--dir', dir]);
    expect(created.code).toBe(0);
    const path = join(dir, 'pay-card-declined.md');
    const skeleton = readFileSync(path, 'utf8');
    expect(skeleton).toMatch(/^id: pay-card-declined/m);

    const empty = realCli(['kb', 'check', '--dir', dir]);
    expect(empty.code).toBe(1);
    for (const field of ['title', 'layer', 'summary', 'causes', 'first_checks', 'fixes']) {
      expect(empty.stderr).toMatch(new RegExp(`pay-card-declined\\.md:\\d+: ${field}: `));
    }

    writeFileSync(path, TEAM_ENTRY);
    const filled = realCli(['kb', 'check', '--dir', dir]);
    expect(filled.stderr).toBe('');
    expect(filled.code).toBe(0);

    const again = realCli(['kb', 'new', 'pay-card-declined', '--dir', dir]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('already exists');
    expect(readFileSync(path, 'utf8')).toBe(TEAM_ENTRY);
  });

  it('kb new refuses an id that is not a slug', async () => {
    const { code, stderr } = await cli(['kb', 'new', 'Pay Card', '--dir', join(tmpRoot, 'team-slug')]);
    expect(code).toBe(2);
    expect(stderr).toContain('not a valid id');
  });
});
