/**
 * Runs the Cloudflare Worker for real, as `npm run start:worker` does (wrangler dev: workerd, local D1 and
 * Durable Objects), on a free loopback port with its state in a fresh folder.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './wait.js';

export { freePort };

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface WorkerProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Runs the Worker's cron handler, as Cloudflare would (cron triggers do not fire locally). */
  cron(expression: string): Promise<Response>;
  stop(): Promise<void>;
}

export async function startWorker(env: Record<string, string>, timeoutMs = 60_000): Promise<WorkerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'apierr-worker-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['scripts/start-worker.mjs'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DATABASE_PATH: join(dir, 'apierr.db'), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the Worker exited before it was ready:\n${output}`);
    if (output.includes('Ready on')) {
      try {
        if ((await fetch(`${url}/healthz`)).ok) break;
      } catch {
        // not accepting yet
      }
    }
    if (Date.now() > deadline) {
      process.kill(-(child.pid as number), 'SIGKILL');
      throw new Error(`the Worker did not start in ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    child,
    output: () => output,
    cron: (expression) => fetch(`${url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent(expression)}`),
    async stop() {
      // wrangler starts workerd as its own child: end the whole process group.
      try {
        process.kill(-(child.pid as number), 'SIGTERM');
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
