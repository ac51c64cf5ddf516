/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time, with
 * their share of the sampled time and where they live.
 *
 * Usage: node bench/profile-summary.js <file.cpuprofile | directory> [top=15]
 * @module
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export function summarizeProfile(path, top = 15) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map();
  const deltas = profile.timeDeltas ?? [];
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i] ?? 0));
  });
  let total = 0;
  let idle = 0;
  const perFunction = new Map();
  for (const [id, us] of selfUs) {
    total += us;
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    // Idle is the event loop waiting (before and between load runs too): left out of the shares.
    if (frame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    const file = frame.url ? frame.url.replace(/^file:\/\//, '') : '';
    const where = file ? `${shorten(file)}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName || '(anonymous)'}\u0000${where}`;
    perFunction.set(key, (perFunction.get(key) ?? 0) + us);
  }
  const rows = [...perFunction.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, us]) => {
      const [name, where] = key.split('\u0000');
      return { name, where, selfMs: us / 1000, share: us / (total - idle) };
    });
  return { totalMs: total / 1000, idleMs: idle / 1000, busyMs: (total - idle) / 1000, rows };
}

function shorten(file) {
  const rel = relative(ROOT, file);
  if (rel.startsWith('..')) return file;
  return rel.replace(/^node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?/, 'npm:');
}

export function latestProfile(pathOrDir) {
  if (!statSync(pathOrDir).isDirectory()) return pathOrDir;
  const files = readdirSync(pathOrDir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => join(pathOrDir, name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!files[0]) throw new Error(`no .cpuprofile in ${pathOrDir}`);
  return files[0];
}

export function formatSummary(summary) {
  const lines = [
    `sampled ${summary.totalMs.toFixed(0)} ms: ${summary.busyMs.toFixed(0)} ms busy, ${summary.idleMs.toFixed(0)} ms idle (shares are of busy time)`,
    '  self ms   share  function (file:line)',
  ];
  for (const row of summary.rows) {
    lines.push(
      `${row.selfMs.toFixed(1).padStart(9)} ${(row.share * 100).toFixed(1).padStart(6)}%  ${row.name}${row.where ? ` (${row.where})` : ''}`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const target = process.argv[2];
  if (!target) throw new Error('usage: node bench/profile-summary.js <file.cpuprofile | directory> [top]');
  const file = latestProfile(target);
  console.log(file);
  console.log(formatSummary(summarizeProfile(file, Number(process.argv[3] ?? 15))));
}
