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

export function readKnowledgeDir(dir: string): SourceFile[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.md') && !name.startsWith('_') && name.toLowerCase() !== 'readme.md')
    .sort()
    .map((name) => {
      const path = join(dir, name);
      return { file: relative(process.cwd(), path) || name, source: readFileSync(path, 'utf8') };
    });
}

export function compileKnowledgeDir(dir: string = PACKAGE_KNOWLEDGE_DIR): CompileResult {
  return compileKnowledge(readKnowledgeDir(dir));
}
