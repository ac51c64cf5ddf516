/**
 * Child processes of the benchmark: the built apierr server, the bare Hono server, the load generator and
 * the Workers under `wrangler dev` (each a process group), on 127.0.0.1, with a hard deadline on everything
 * that waits.
 * @module
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A free TCP port on 127.0.0.1 (the server is told to use it: with LOG_LEVEL=silent it prints no port line). */
export async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts `node [nodeArgs] script` with exactly `env` (plus nothing inherited but PATH) and waits until
 * GET /healthz (or `readyPath`) answers 200 on 127.0.0.1:port.
 */
export async function startServerProcess({
  script,
  env,
  port,
  nodeArgs = [],
  readyPath = '/healthz',
  timeoutMs = 20_000,
}) {
  const child = spawn(process.execPath, [...nodeArgs, script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`${script} exited before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${script} was not ready after ${timeoutMs} ms:\n${output}`);
    }
    try {
      const res = await fetch(url + readyPath, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    pid: child.pid,
    output: () => output,
    /** SIGTERM (the server closes gracefully; --cpu-prof writes its profile on exit), SIGKILL after 10 s. */
    async stop() {
      if (exited) return;
      const done = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(timer);
    },
  };
}

/** Resident set size of a process, in bytes, from /proc (Linux; undefined elsewhere). */
export async function rssOf(pid) {
  try {
    const { readFile } = await import('node:fs/promises');
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  } catch {
    return undefined; // not Linux, or the process is gone
  }
}

/** Runs `node script args` to completion and parses the last stdout line as JSON; kills it after timeoutMs. */
export async function runJsonChild(script, args = [], { nodeArgs = [], timeoutMs = 120_000, env = process.env } = {}) {
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => {
    stdout += c;
  });
  child.stderr.on('data', (c) => {
    stderr += c;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = await once(child, 'exit');
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${script} failed (${code ?? signal}):\n${stderr.slice(-3000)}`);
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last);
}

/** Every live process whose process group is `pgid` (Linux, from /proc; empty elsewhere). */
export function groupPids(pgid) {
  const pids = [];
  let entries = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // After "(comm)": state, ppid, pgrp, ...
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function killGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // no process left in the group
  }
}

/** Process groups started by startProcessGroup and not stopped yet: killed if this process exits anyway. */
const liveGroups = new Set();
process.once('exit', () => {
  for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
});

/**
 * Starts `node args` as the leader of a new process group (`wrangler dev` starts workerd and esbuild as its
 * children), with `env` plus PATH and HOME, and waits until GET `readyPath` answers 200 on 127.0.0.1:port.
 * If it exits or is not ready in time, the whole group is killed and the error carries its last output.
 * `stop()` sends SIGTERM to the group, SIGKILL after 5 s, and waits until no process of the group is left.
 */
export async function startProcessGroup({ name, args, env, port, readyPath = '/healthz', timeoutMs = 120_000 }) {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pgid = child.pid;
  if (pgid !== undefined) liveGroups.add(pgid);
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-6000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  let spawnError;
  const exit = new Promise((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', (error) => {
      spawnError = error;
      exited = true;
      resolve();
    });
  });

  const stop = async () => {
    if (pgid === undefined) return;
    killGroup(pgid, 'SIGTERM');
    await Promise.race([exit, new Promise((resolve) => setTimeout(resolve, 5000))]);
    // workerd may outlive wrangler for a moment: the group goes, whatever its leader did.
    const deadline = Date.now() + 5000;
    while (groupPids(pgid).length > 0 && Date.now() < deadline) {
      killGroup(pgid, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    liveGroups.delete(pgid);
  };

  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (exited) {
      await stop();
      const why = spawnError ? String(spawnError) : `it exited (${child.exitCode ?? child.signalCode})`;
      throw new Error(`${name} did not start: ${why}. Its last output:\n${output.trim() || '(none)'}`);
    }
    if (Date.now() - started > timeoutMs) {
      await stop();
      throw new Error(
        `${name} was not ready on ${url}${readyPath} after ${Math.round(timeoutMs / 1000)} s. Its last output:\n` +
          `${output.trim() || '(none)'}`,
      );
    }
    try {
      const res = await fetch(url + readyPath, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    pid: pgid,
    /** The group's live processes (wrangler, workerd, esbuild), for CPU accounting. */
    pids: () => groupPids(pgid),
    startSec: (Date.now() - started) / 1000,
    output: () => output,
    stop,
  };
}
