import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('the core', () => {
  // The core runs unchanged on Node and Cloudflare Workers, and is tested with fakes: it may not reach
  // for a runtime, a database driver, an HTTP framework or the Slack SDK.
  const forbidden =
    /from '(node:[^']+|hono[^']*|@hono\/[^']+|@slack\/[^']+|drizzle-orm[^']*|better-sqlite3|pino|prom-client)'/;
  it.each(sources(join(root, 'src/core')).map((path) => [relative(root, path), path]))(
    '%s imports no runtime, driver or SDK',
    (_name, path) => {
      const text = readFileSync(path, 'utf8');
      expect(text).not.toMatch(forbidden);
      expect(text).not.toMatch(/\bprocess\.(env|exit|argv)/);
    },
  );

  it('is the only place, with the runtime entry points, that decides configuration', () => {
    const readers = sources(join(root, 'src'))
      .filter((path) => /process\.env/.test(readFileSync(path, 'utf8')))
      .map((path) => relative(root, path));
    expect(readers.every((path) => path.startsWith('src/runtime/') || path === 'src/cli-main.ts')).toBe(true);
  });

  it('leaves prom-client to the Node metrics adapter, so another runtime can count through the same port', () => {
    const importers = sources(join(root, 'src'))
      .filter((path) => /from 'prom-client'/.test(readFileSync(path, 'utf8')))
      .map((path) => relative(root, path));
    expect(importers).toEqual(['src/metrics/prom.ts']);
  });
});

describe('what both runtimes share', () => {
  // The HTTP app, the transport-free Slack layer and the store run on Node and on Workers alike: Node's
  // modules, Bolt, Slack's Node client and better-sqlite3 belong to the Node adapters only.
  const nodeOnly = /from '(node:[^']+|@slack\/bolt|@slack\/web-api|better-sqlite3|pino|@hono\/node-server[^']*)'/;
  const NODE_ADAPTERS = new Set([
    'src/slack/web-api.ts',
    'src/slack/bolt/app.ts',
    'src/store/sqlite-store.ts',
    'src/store/sqlite-thread.ts',
  ]);
  const shared = [
    ...sources(join(root, 'src/http')),
    ...sources(join(root, 'src/slack')),
    ...sources(join(root, 'src/store')),
  ]
    .map((path) => relative(root, path))
    .filter((path) => !NODE_ADAPTERS.has(path) && !path.endsWith('.contract.ts'));

  it.each(shared)('%s imports nothing that only Node has', (path) => {
    expect(readFileSync(join(root, path), 'utf8')).not.toMatch(nodeOnly);
  });

  it('keeps the Slack layer independent of the HTTP app', () => {
    for (const path of sources(join(root, 'src/slack'))) {
      expect(readFileSync(path, 'utf8'), relative(root, path)).not.toMatch(/from '\.\.\/(\.\.\/)?http\//);
    }
  });

  it('lets the Worker entry point import only what runs on Workers', () => {
    const text = readFileSync(join(root, 'src/runtime/worker.ts'), 'utf8');
    expect(text).not.toMatch(nodeOnly);
    expect(text).not.toMatch(/sqlite-store|bolt\/|slack\/web-api\.js|node-client-address|outbox-loop/);
  });
});
