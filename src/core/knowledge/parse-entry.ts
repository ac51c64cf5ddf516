/**
 * Parses one knowledge file (YAML front matter + Markdown body) into a validated entry, or into
 * issues that name the file, line and field. Pure: the caller reads the file.
 * @module
 */
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { KnowledgeIssue } from '../errors.js';
import { type Entry, entrySchema } from './schema.js';

export type ParseResult = { ok: true; entry: Entry } | { ok: false; issues: KnowledgeIssue[] };

const FENCE = /^---\s*$/m;

export function parseEntry(file: string, source: string): ParseResult {
  const fail = (line: number, field: string, message: string): ParseResult => ({
    ok: false,
    issues: [{ file, line, field, message }],
  });

  const normalized = source.replace(/\r\n/g, '\n').replace(/^\uFEFF/, '');
  if (!normalized.startsWith('---\n')) return fail(1, '(front matter)', 'the file must start with a "---" line');
  const rest = normalized.slice(4);
  const close = FENCE.exec(rest);
  if (!close) return fail(1, '(front matter)', 'the front matter has no closing "---" line');
  const yamlText = rest.slice(0, close.index);
  const body = rest.slice(close.index + close[0].length).trim();
  // Front matter starts on line 2 of the file (line 1 is the opening fence).
  const LINE_OFFSET = 1;

  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((error) => ({
        file,
        // `linePos` is only filled in with prettyErrors, so the line comes from the error's offset.
        line: lineCounter.linePos(error.pos[0]).line + LINE_OFFSET,
        field: '(yaml)',
        message: error.message.split('\n')[0] ?? 'invalid YAML',
      })),
    };
  }

  const lineOf = (path: readonly PropertyKey[]): number => {
    // Walk up the path until a node with a position exists (a missing field points at its parent).
    for (let depth = path.length; depth >= 0; depth--) {
      const node = doc.getIn(path.slice(0, depth) as unknown[], true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line + LINE_OFFSET;
    }
    return 1 + LINE_OFFSET;
  };

  const parsed = entrySchema.safeParse(doc.toJS());
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => ({
        file,
        line: lineOf(issue.path),
        field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(front matter)',
        message: issue.message,
      })),
    };
  }

  const expectedId = file.replace(/^.*[\\/]/, '').replace(/\.md$/, '');
  if (parsed.data.id !== expectedId) {
    return fail(lineOf(['id']), 'id', `"${parsed.data.id}" must equal the file name "${expectedId}"`);
  }
  if (body.length === 0) return fail(lineOf([]), '(body)', 'the entry needs a Markdown body after the front matter');
  return { ok: true, entry: { ...parsed.data, body } };
}
