/**
 * Reads `knowledge/*.md` from disk and compiles it (Node only: Workers import the built bundle).
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CompileResult, compileKnowledge, type SourceFile } from '../core/knowledge/compile.js';

/** The `knowledge/` folder shipped with the package (next to `src/` and `dist/`). */
export const PACKAGE_KNOWLEDGE_DIR = fileURLToPath(new URL('../../knowledge/', import.meta.url));

/** Whether a file in a knowledge folder is an entry (README.md and `_drafts.md` are not). */
export function isEntryFile(name: string): boolean {
  return name.endsWith('.md') && !name.startsWith('_') && name.toLowerCase() !== 'readme.md';
}

export function readKnowledgeDir(dir: string): SourceFile[] {
  return readdirSync(dir)
    .filter(isEntryFile)
    .sort()
    .map((name) => {
      const path = join(dir, name);
      return { file: relative(process.cwd(), path) || name, source: readFileSync(path, 'utf8') };
    });
}

export function compileKnowledgeDir(dir: string = PACKAGE_KNOWLEDGE_DIR): CompileResult {
  return compileKnowledge(readKnowledgeDir(dir));
}

/**
 * The knowledge folder `dir` with a team's folder on top (`apierr ... --dir`): the same merge as
 * `loadKnowledge`, with the bundled entries read from Markdown instead of the compiled bundle.
 */
export function compileWithTeamDir(teamDir: string | undefined, dir: string = PACKAGE_KNOWLEDGE_DIR): CompileResult {
  const base = compileKnowledgeDir(dir);
  if (!base.ok || !teamDir) return base;
  let files: SourceFile[];
  try {
    files = readKnowledgeDir(teamDir);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    return {
      ok: false,
      issues: [{ file: teamDir, line: 0, field: '(folder)', message: `cannot read the knowledge folder (${reason})` }],
    };
  }
  return compileKnowledge(files, { base: base.bundle.entries });
}
