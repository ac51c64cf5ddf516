/**
 * KNOWLEDGE_DIR on the server: a team's folder of entries is read at start and used by the matcher and the
 * API; a bad file stops the start with the file, line and field, as `apierr kb check` prints them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/runtime/node.js';
import { spawnServer } from '../helpers/server-process.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
/** The README's complete example entry for an internal error code, so the docs and the test cannot drift. */
const EXAMPLE_ENTRY = /```markdown\n(---\nid: pay-card-declined[\s\S]*?)```/.exec(README)?.[1] as string;

const dirs: string[] = [];
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'apierr-kdir-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('KNOWLEDGE_DIR', () => {
  it('adds the team entries to the bundled ones, and their codes win', async () => {
    expect(EXAMPLE_ENTRY).toContain('PAY-1003');
    const dir = folder({ 'pay-card-declined.md': EXAMPLE_ENTRY });
    const server = await startServer(
      {
        PORT: '0',
        DATABASE_PATH: join(folder({}), 'apierr.db'),
        KNOWLEDGE_DIR: dir,
        API_TOKEN: 'kdir-token',
        LOG_LEVEL: 'silent',
      },
      { hostname: '127.0.0.1' },
    );
    try {
      const explain = async (text: string) => {
        const res = await fetch(`${server.url}/api/explain`, {
          method: 'POST',
          headers: { authorization: 'Bearer kdir-token', 'content-type': 'application/json' },
          body: JSON.stringify({ text }),
        });
        return ((await res.json()) as { matches: { id: string }[] }).matches[0]?.id;
      };
      expect(await explain('charge failed: ERR_CARD_DECLINED')).toBe('pay-card-declined');
      expect(await explain('PAY-1003')).toBe('pay-card-declined');
      // The bundled entries are still there.
      expect(await explain('429 Too Many Requests')).toBe('http-429');
    } finally {
      await server.close();
    }
  });

  it('refuses to start on a bad file, naming the file, the line and the field', async () => {
    const dir = folder({
      'broken.md': EXAMPLE_ENTRY.replace('layer: dependency', 'layer: somewhere'),
    });
    const server = await spawnServer({ DATABASE_PATH: join(folder({}), 'apierr.db'), KNOWLEDGE_DIR: dir }).catch(
      (error: Error) => error,
    );
    expect(server).toBeInstanceOf(Error);
    const message = (server as Error).message;
    expect(message).toMatch(/exited \(78\)/);
    expect(message).toMatch(/broken\.md:\d+: layer/);
    expect(message).not.toMatch(/\n\s+at /); // one clear line, no stack trace
  });
});
