/**
 * `npm run start:worker` passes the configuration set in the environment to the Worker: every variable of the
 * README's configuration table must match the names the script forwards (PORT, DATABASE_PATH and
 * KNOWLEDGE_DIR are the script's own: a port, a state folder, a bundle it compiles).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url);
const script = readFileSync(new URL('scripts/start-worker.mjs', root), 'utf8');
const readme = readFileSync(new URL('README.md', root), 'utf8');

const forwarded = new RegExp(/const CONFIG =\s*\/(.*)\/;/.exec(script)?.[1] ?? '^$');
const section = /## Configuration\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
const names = [...section.matchAll(/^\| (`[A-Z_<>]+`(?:(?:, | \/ )`[A-Z_<>]+`)*) \|/gm)].flatMap((m) =>
  [...(m[1] as string).matchAll(/`([A-Z_<>]+)`/g)].map((n) => (n[1] as string).replace('<SOURCE>', 'GRAFANA')),
);
const OWN = new Set(['PORT', 'DATABASE_PATH', 'KNOWLEDGE_DIR']);

describe('npm run start:worker', () => {
  it('reads the README configuration table', () => {
    expect(names.length).toBeGreaterThan(25);
    expect(names).toContain('SLACK_BOT_TOKEN');
  });

  it.each(names.filter((name) => !OWN.has(name)))('forwards %s to the Worker', (name) => {
    expect(forwarded.test(name)).toBe(true);
  });
});
