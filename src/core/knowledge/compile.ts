/**
 * Compiles a set of knowledge files into one bundle, checking what no single file can:
 * unique ids, comparisons that point at real entries, and aliases claimed by two entries.
 * @module
 */
import type { KnowledgeIssue } from '../errors.js';
import { parseEntry } from './parse-entry.js';
import type { Entry, KnowledgeBundle } from './schema.js';

export interface SourceFile {
  file: string;
  source: string;
}

export type CompileResult = { ok: true; bundle: KnowledgeBundle } | { ok: false; issues: KnowledgeIssue[] };

export interface CompileOptions {
  /**
   * Entries the files are compiled on top of (the bundled knowledge base, when compiling a team's folder).
   * Comparisons may point at them; an alias they already claim is not a conflict, because a team entry wins
   * it; a file with one of their ids replaces that entry. The result lists them first, then the files'
   * entries, so that the matcher (where a later entry wins an alias) lets the team's entries win.
   */
  base?: readonly Entry[];
}

export function compileKnowledge(files: readonly SourceFile[], options: CompileOptions = {}): CompileResult {
  const base = options.base ?? [];
  const baseIds = new Set(base.map((known) => known.id));
  const issues: KnowledgeIssue[] = [];
  const entries: Entry[] = [];
  const fileOf = new Map<string, string>();
  const sourceOf = new Map<string, string>();

  for (const { file, source } of files) {
    const result = parseEntry(file, source);
    if (!result.ok) {
      issues.push(...result.issues);
      continue;
    }
    const earlier = fileOf.get(result.entry.id);
    if (earlier) {
      issues.push({
        file,
        line: lineOfKey(source, 'id'),
        field: 'id',
        message: `"${result.entry.id}" is already used by ${earlier}`,
      });
      continue;
    }
    fileOf.set(result.entry.id, file);
    sourceOf.set(result.entry.id, source);
    entries.push(result.entry);
  }

  const aliasOwner = new Map<string, string>();
  for (const entry of entries) {
    const file = fileOf.get(entry.id) ?? entry.id;
    const source = sourceOf.get(entry.id) ?? '';
    for (const target of Object.keys(entry.compare)) {
      if (!fileOf.has(target) && !baseIds.has(target)) {
        issues.push({
          file,
          line: lineOf(source, target),
          field: `compare.${target}`,
          message: `no entry has the id "${target}"`,
        });
      }
    }
    for (const alias of entry.aliases) {
      const key = alias.toLowerCase();
      const owner = aliasOwner.get(key);
      if (owner && owner !== entry.id) {
        issues.push({
          file,
          line: lineOf(source, alias),
          field: 'aliases',
          message: `"${alias}" is already an alias of ${owner}`,
        });
      }
      aliasOwner.set(key, entry.id);
    }
  }

  if (issues.length > 0) return { ok: false, issues };
  entries.sort((a, b) => a.id.localeCompare(b.id));
  if (base.length === 0) return { ok: true, bundle: { version: 1, entries } };
  const replaced = new Set(entries.map((entry) => entry.id));
  return {
    ok: true,
    bundle: { version: 1, entries: [...base.filter((known) => !replaced.has(known.id)), ...entries] },
  };
}

/** The first line of `source` that mentions `needle`, for pointing at a cross-entry problem. */
function lineOf(source: string, needle: string): number {
  const index = source.split('\n').findIndex((line, i) => i > 0 && line.includes(needle));
  return index > 0 ? index + 1 : 1;
}

/** The line of a top-level front-matter key (`id:` need not be the first line). */
function lineOfKey(source: string, key: string): number {
  const index = source.split('\n').findIndex((line) => line.startsWith(`${key}:`));
  return index > 0 ? index + 1 : 2;
}
