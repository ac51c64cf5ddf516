// Prints matcher accuracy on ${process.argv[2] ?? "test/fixtures/match-corpus.jsonl"} and the misses (for tuning the knowledge base).
import { readFileSync } from 'node:fs';
import { createMatcher } from '../src/core/knowledge/matcher.js';
import { compileKnowledgeDir } from '../src/node/knowledge-files.js';

const compiled = compileKnowledgeDir();
if (!compiled.ok) throw new Error('knowledge invalid');
const matcher = createMatcher(compiled.bundle.entries);
const rows = readFileSync(process.argv.find((a) => a.endsWith('.jsonl')) ?? 'test/fixtures/match-corpus.jsonl', 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));
let top1 = 0;
let top3 = 0;
const misses: string[] = [];
for (const row of rows) {
  const ids = matcher.match(row.text).matches.map((m) => m.id);
  const ok = (id: string | undefined) => id === row.label || (row.alt ?? []).includes(id);
  if (ok(ids[0])) top1++;
  else misses.push(`${row.label} <- got ${ids.slice(0, 3).join(',')} :: ${row.text.slice(0, 150).replace(/\n/g, ' ')}`);
  if (ids.slice(0, 3).some(ok)) top3++;
}
console.log(
  `top1 ${((top1 / rows.length) * 100).toFixed(1)}% top3 ${((top3 / rows.length) * 100).toFixed(1)}% of ${rows.length}`,
);
if (process.argv.includes('-v')) for (const m of misses) console.log(m);
