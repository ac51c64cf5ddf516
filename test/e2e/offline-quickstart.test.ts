/**
 * The README's quick start, as a first-time user runs it: no Slack credentials, the embedded SQLite file,
 * one curl of a real Alertmanager notification, and the explanation it would post shows in the log.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ServerProcess, spawnServer } from '../helpers/server-process.js';

let server: ServerProcess | undefined;
let dir: string | undefined;
afterEach(() => {
  server?.child.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the offline quick start', () => {
  it('logs the parent and the threaded explanation it would post, and answers a redelivery as a duplicate', async () => {
    dir = mkdtempSync(join(tmpdir(), 'apierr-offline-'));
    server = await spawnServer({ DATABASE_PATH: join(dir, 'data', 'apierr.db'), WEBHOOK_TOKEN: 'try-me' });
    expect(server.output()).toContain('offline mode');
    const body = readFileSync(new URL('../fixtures/webhooks/alertmanager-firing.json', import.meta.url), 'utf8');
    const send = () =>
      fetch(`${server?.url}/webhooks/alertmanager`, {
        method: 'POST',
        headers: { authorization: 'Bearer try-me', 'content-type': 'application/json' },
        body,
      });
    expect((await send()).status).toBe(202);

    const deadline = Date.now() + 10_000;
    const wouldPost = () => (server?.output().match(/offline: would post to Slack/g) ?? []).length;
    while (wouldPost() < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(wouldPost()).toBe(4); // two alerts, each a parent and an explanation
    const log = server.output();
    expect(log).toContain('"thread_ts"');
    expect(log).toContain('Check first');
    expect(log).toContain('HighErrorRate');

    const again = await send();
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'duplicate' });
  });
});
