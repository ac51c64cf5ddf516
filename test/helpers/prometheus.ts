/**
 * Test harness that runs a REAL Prometheus server (Debian package `prometheus`, installed by
 * `.ci/install-prometheus.sh`) as a child process on a free 127.0.0.1 port, scraping one target every
 * second, and asks it PromQL queries over its HTTP API. Also finds `promtool` and `amtool` for the
 * configuration checks.
 *
 * Verified against Debian bookworm's prometheus 2.42.0+ds-5+deb12u1 (binaries /usr/bin/prometheus and
 * /usr/bin/promtool) and prometheus-alertmanager 0.25.0 (/usr/bin/amtool).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './wait.js';

export const PROMETHEUS_INSTALL_HINT =
  'Prometheus is not installed: run `bash .ci/install-prometheus.sh` (Debian package prometheus: prometheus and promtool)';
export const AMTOOL_INSTALL_HINT =
  'amtool is not installed: run `bash .ci/install-alertmanager.sh` (Debian package prometheus-alertmanager)';

/** Under CI a missing tool fails the test instead of skipping it. */
export const inCI = Boolean(process.env.CI) && process.env.CI !== 'false';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `/usr/bin/<name>`, else `<name>` on PATH. */
export function findBinary(name: string): string | undefined {
  const candidates = [`/usr/bin/${name}`];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir) candidates.push(join(dir, name));
  return candidates.find(isExecutable);
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a tool to completion (bounded), never throwing for a non-zero exit: the test reads `code`. */
export function runTool(
  binary: string,
  args: readonly string[],
  options: { cwd?: string; input?: string } = {},
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(binary, args, { cwd: options.cwd, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      if (error && typeof error.code !== 'number' && !stderr) reject(error);
      else resolve({ code, stdout, stderr });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

export interface PrometheusOptions {
  /** `host:port` of the target, e.g. 127.0.0.1:41234. */
  target: string;
  /** Sent as `Authorization: Bearer <token>` on every scrape. */
  bearerToken?: string;
  jobName?: string;
  /** Rule files Prometheus loads (absolute paths). */
  ruleFiles?: string[];
  binary?: string;
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PrometheusHandle {
  readonly url: string;
  /** GET /api/v1/query: the result vector, or throws with Prometheus' error. */
  query(promql: string): Promise<PromSample[]>;
  /** GET /api/v1/query, returning Prometheus' status and error instead of throwing. */
  tryQuery(promql: string): Promise<{ status: string; error?: string; resultType?: string }>;
  /** GET /api/v1/targets: the active targets' health and last error. */
  targets(): Promise<{ health: string; lastError: string; scrapeUrl: string }[]>;
  /** GET /api/v1/rules: the loaded rule groups. */
  rules(): Promise<{ name: string; rules: { name: string; health: string }[] }[]>;
  stop(): Promise<void>;
  log(): string;
}

const LOG_LIMIT = 64 * 1024;

/** Starts Prometheus scraping `target` every second, and resolves once GET /-/ready answers 200. */
export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusHandle> {
  const binary = options.binary ?? findBinary('prometheus');
  if (!binary) throw new Error(PROMETHEUS_INSTALL_HINT);
  const dir = await mkdtemp(join(tmpdir(), 'apierr-prometheus-'));
  const configPath = join(dir, 'prometheus.yml');
  const scrape: Record<string, unknown> = {
    job_name: options.jobName ?? 'apierr',
    scrape_interval: '1s',
    scrape_timeout: '1s',
    static_configs: [{ targets: [options.target] }],
  };
  if (options.bearerToken !== undefined) {
    scrape.authorization = { type: 'Bearer', credentials: options.bearerToken };
  }
  await writeFile(
    configPath,
    stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: options.ruleFiles ?? [],
      scrape_configs: [scrape],
    }),
    'utf8',
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${configPath}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const append = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-LOG_LIMIT);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const url = `http://127.0.0.1:${port}`;
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      process.off('exit', killOnExit);
      if (!exited()) {
        const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await gone;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  const deadline = Date.now() + 20_000;
  for (;;) {
    if (exited()) {
      await stop();
      throw new Error(`prometheus exited early (code ${child.exitCode})\n${log}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready within 20 s\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const api = async (path: string) => {
    const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5_000) });
    return (await res.json()) as { status: string; error?: string; data: unknown };
  };
  return {
    url,
    async query(promql) {
      const answer = await api(`/api/v1/query?query=${encodeURIComponent(promql)}`);
      if (answer.status !== 'success') throw new Error(`query ${promql} failed: ${answer.error}`);
      return (answer.data as { result: PromSample[] }).result;
    },
    async tryQuery(promql) {
      const answer = await api(`/api/v1/query?query=${encodeURIComponent(promql)}`);
      return {
        status: answer.status,
        ...(answer.error ? { error: answer.error } : {}),
        ...(answer.status === 'success' ? { resultType: (answer.data as { resultType: string }).resultType } : {}),
      };
    },
    async targets() {
      const answer = await api('/api/v1/targets?state=active');
      return (answer.data as { activeTargets: { health: string; lastError: string; scrapeUrl: string }[] })
        .activeTargets;
    },
    async rules() {
      const answer = await api('/api/v1/rules');
      return (answer.data as { groups: { name: string; rules: { name: string; health: string }[] }[] }).groups;
    },
    stop,
    log: () => log,
  };
}
