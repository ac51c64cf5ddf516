/**
 * The `apierr` command: explain an error, match text in batch, and check, list or build the knowledge base.
 * @module
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ANSI, PLAIN, renderExplanationText } from './cli/render-text.js';
import { skeletonEntry } from './cli/skeleton.js';
import { formatKnowledgeIssue } from './core/errors.js';
import { explain } from './core/knowledge/explain.js';
import { createMatcher, type Matcher, type MatchResult } from './core/knowledge/matcher.js';
import type { KnowledgeBundle } from './core/knowledge/schema.js';
import { DEFAULT_BUNDLE_MODULE, writeBundleModule } from './node/bundle-module.js';
import { compileWithTeamDir, PACKAGE_KNOWLEDGE_DIR } from './node/knowledge-files.js';

interface KnowledgeOpts {
  knowledge: string;
  dir?: string;
}

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
}

/** Exit code for a knowledge base that does not validate (distinct from usage errors, which are 2). */
const EXIT_INVALID = 1;
const EXIT_USAGE = 2;

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const out = (text: string) => io.stdout.write(`${text}\n`);

  /** The knowledge folder, with the team folder (`--dir`) on top when one is given. */
  const loadBundle = (opts: KnowledgeOpts): KnowledgeBundle | undefined => {
    const result = compileWithTeamDir(opts.dir, opts.knowledge);
    if (result.ok) return result.bundle;
    for (const issue of result.issues) io.stderr.write(`${formatKnowledgeIssue(issue)}\n`);
    const where = opts.dir ? `${opts.dir} (on top of ${opts.knowledge})` : opts.knowledge;
    io.stderr.write(
      `apierr: the knowledge base in ${where} has ${result.issues.length} error(s); run "apierr kb check".\n`,
    );
    exitCode = EXIT_INVALID;
    return undefined;
  };
  const knowledgeOption = () =>
    new Option('-k, --knowledge <dir>', 'knowledge folder').default(PACKAGE_KNOWLEDGE_DIR, 'the bundled knowledge/');
  const teamDirOption = () =>
    new Option(
      '-d, --dir <dir>',
      "a team's folder of entries added on top of the bundled ones (same ids replace them), as KNOWLEDGE_DIR does",
    );

  const program = new Command('apierr')
    .description('Explains API errors: status codes, vendor codes and error text, with first checks and fixes.')
    .exitOverride()
    .showHelpAfterError('(run "apierr --help" for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  program
    .command('explain')
    .description('explain an error: "429", "AUTH-401", "cors preflight", "401 vs 403", or pasted error text')
    .argument('<query...>', 'what to explain')
    .addOption(knowledgeOption())
    .addOption(teamDirOption())
    .action((words: string[], opts: KnowledgeOpts) => {
      const bundle = loadBundle(opts);
      if (!bundle) return;
      const explanation = explain(createMatcher(bundle.entries), words.join(' '));
      out(renderExplanationText(explanation, io.stdout.isTTY ? ANSI : PLAIN));
    });

  program
    .command('match')
    .description('rank the entries that explain each text; with no text, read one query per line from stdin')
    .argument('[text...]', 'the text to match')
    .option('--json', 'print {"matches":[...]} objects (one per input line in batch mode)')
    .option('-n, --limit <n>', 'matches per query', (v) => parseLimit(v), 5)
    .addOption(knowledgeOption())
    .addOption(teamDirOption())
    .action(async (words: string[], opts: KnowledgeOpts & { json?: boolean; limit: number }) => {
      const bundle = loadBundle(opts);
      if (!bundle) return;
      const matcher = createMatcher(bundle.entries, { limit: opts.limit });
      const print = (result: MatchResult) => out(opts.json ? JSON.stringify(toJson(result)) : formatMatches(result));
      if (words.length > 0) {
        print(matcher.match(words.join(' ')));
        return;
      }
      await matchLines(matcher, io.stdin, print);
    });

  const kb = program.command('kb').description('check, list, build or start entries of the knowledge base');
  kb.command('check')
    .description('validate every entry; exits non-zero naming the file, line and field of each error')
    .addOption(knowledgeOption())
    .addOption(teamDirOption())
    .action((opts: KnowledgeOpts) => {
      const bundle = loadBundle(opts);
      if (bundle)
        out(`ok: ${bundle.entries.length} entries are valid${opts.dir ? `, including those in ${opts.dir}` : ''}`);
    });
  kb.command('list')
    .description('list the entries')
    .option('--json', 'print JSON')
    .addOption(knowledgeOption())
    .addOption(teamDirOption())
    .action((opts: KnowledgeOpts & { json?: boolean }) => {
      const bundle = loadBundle(opts);
      if (!bundle) return;
      if (opts.json) {
        const rows = bundle.entries.map(({ id, title, codes, aliases, first_checks, fixes }) => ({
          id,
          title,
          codes,
          aliases,
          first_checks,
          fixes,
        }));
        out(JSON.stringify(rows, null, 2));
      } else {
        for (const e of bundle.entries) out(`${e.id.padEnd(22)} ${e.title}`);
      }
    });
  kb.command('build')
    .description('compile knowledge/ (and a team folder with --dir) into the bundle module that both runtimes import')
    .addOption(knowledgeOption())
    .addOption(teamDirOption())
    .option('-o, --out <file>', 'where to write the module', DEFAULT_BUNDLE_MODULE)
    .action((opts: KnowledgeOpts & { out: string }) => {
      const bundle = loadBundle(opts);
      if (!bundle) return;
      writeBundleModule(bundle, opts.out);
      out(`wrote ${bundle.entries.length} entries to ${opts.out}`);
    });
  kb.command('new')
    .description('write a skeleton entry <id>.md to fill in; "apierr kb check --dir" says what is still missing')
    .argument('<id>', 'the new entry id: lowercase letters, digits and "-", e.g. pay-card-declined')
    .option('-d, --dir <dir>', 'the folder to write it to', '.')
    .action((id: string, opts: { dir: string }) => {
      if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) {
        io.stderr.write(`apierr: "${id}" is not a valid id: use lowercase letters, digits and "-".\n`);
        exitCode = EXIT_USAGE;
        return;
      }
      const path = join(opts.dir, `${id}.md`);
      if (existsSync(path)) {
        io.stderr.write(`apierr: ${path} already exists; not overwriting it.\n`);
        exitCode = EXIT_INVALID;
        return;
      }
      mkdirSync(opts.dir, { recursive: true });
      writeFileSync(path, skeletonEntry(id));
      out(`wrote ${path}: fill in the empty fields, then run "apierr kb check --dir ${opts.dir}"`);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every other commander error is a usage error it already explained.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    throw error;
  }
  return exitCode;
}

function parseLimit(value: string): number {
  const n = Number(value);
  // InvalidArgumentError, not a plain CommanderError: commander only reports (and shows the usage hint for) its own code.
  if (!Number.isInteger(n) || n < 1 || n > 50) throw new InvalidArgumentError('use a whole number from 1 to 50.');
  return n;
}

function toJson(result: MatchResult) {
  return {
    matches: result.matches.map(({ id, title, confidence, reasons }) => ({ id, title, confidence, reasons })),
    lowConfidence: result.lowConfidence,
  };
}

function formatMatches(result: MatchResult): string {
  if (result.matches.length === 0) return 'no match';
  return result.matches
    .map(
      (m) =>
        `${m.confidence.toFixed(2)}  ${m.id.padEnd(22)} ${m.reasons.map((r) => `${r.kind}:${r.detail}`).join(', ')}`,
    )
    .join('\n');
}

async function matchLines(
  matcher: Matcher,
  input: NodeJS.ReadableStream,
  print: (r: MatchResult) => void,
): Promise<void> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) print(line.trim() ? matcher.match(line) : { matches: [], lowConfidence: true });
}
