/**
 * The knowledge base a Node process starts with: the bundled entries plus a team's own folder
 * (`KNOWLEDGE_DIR`), read once at start. Node only: Workers import a bundle built with `apierr kb build --dir`.
 * @module
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { KnowledgeError } from '../core/errors.js';
import { parseBundle } from '../core/knowledge/bundle.js';
import { compileKnowledge, type SourceFile } from '../core/knowledge/compile.js';
import type { Entry } from '../core/knowledge/schema.js';
import { KNOWLEDGE_BUNDLE_JSON } from '../generated/knowledge-bundle.js';
import { isEntryFile } from './knowledge-files.js';

export interface LoadKnowledgeOptions {
  /** A team's folder of entries in the `knowledge/*.md` format; unset or empty means the bundled entries alone. */
  dir?: string | undefined;
  /** The entries to build on; defaults to the bundle compiled into the package. */
  bundled?: readonly Entry[];
}

/**
 * The bundled entries with a team's folder on top: the team's entries are added, an entry with a bundled id
 * replaces the bundled one, and a team alias wins over a bundled alias (the team's entries come last).
 *
 * @throws {KnowledgeError} (an `ApierrError` with code `knowledge_invalid`) when the folder cannot be read or
 *   any file in it is invalid; its message has one `file:line: field: problem` line per issue, as `apierr kb check`.
 * @example
 * const { entries } = await loadKnowledge({ dir: env.KNOWLEDGE_DIR });
 * const matcher = createMatcher(entries);
 */
export async function loadKnowledge(options: LoadKnowledgeOptions = {}): Promise<{ entries: Entry[] }> {
  const bundled = options.bundled ?? parseBundle(KNOWLEDGE_BUNDLE_JSON).entries;
  if (!options.dir) return { entries: [...bundled] };
  const result = compileKnowledge(await readTeamFiles(options.dir), { base: bundled });
  if (!result.ok) throw new KnowledgeError(result.issues);
  return { entries: result.bundle.entries };
}

async function readTeamFiles(dir: string): Promise<SourceFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new KnowledgeError([
      { file: dir, line: 0, field: '(folder)', message: `cannot read the knowledge folder (${reason})` },
    ]);
  }
  const files = names.filter(isEntryFile).sort();
  return Promise.all(
    files.map(async (name) => {
      const path = join(dir, name);
      return { file: relative(process.cwd(), path) || name, source: await readFile(path, 'utf8') };
    }),
  );
}
