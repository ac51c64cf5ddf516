/**
 * Test harness that runs a REAL Prometheus Alertmanager (Debian package
 * `prometheus-alertmanager`, installed by `.ci/install-alertmanager.sh`) as a
 * child process, configured to deliver webhooks to a URL of the test's choice.
 *
 * Verified against Debian bookworm's `prometheus-alertmanager` 0.25.0-1+b4
 * (binary `/usr/bin/prometheus-alertmanager`, Alertmanager 0.25.0).
 *
 * Timing rules of Alertmanager 0.25, checked with `amtool check-config` and
 * measured (see test/alertmanager-harness.test.ts):
 * - `group_interval` and `repeat_interval` may not be zero (the config is
 *   rejected); `group_wait` may be zero. Sub-second values (`100ms`) are
 *   accepted, and so is a `repeat_interval` shorter than `group_interval`
 *   (0.25 does not even warn). Even `0s`/`100ms`/`50ms` works.
 * - The first notification of a new group goes out `group_wait` after the
 *   group is created (measured: ~+110 ms with 100ms). Every later flush runs on
 *   a `group_interval` tick, so a resolved notification arrives at most
 *   `group_interval` after the resolve (measured with 500ms: +200..500 ms).
 * - A repeat is only considered on a `group_interval` tick, and only when the
 *   last notification is strictly older than `repeat_interval` at that tick
 *   (the log timestamp is taken after the webhook returned, the tick time
 *   before it). So the repeat comes at the first tick MORE than
 *   `repeat_interval` after the previous notification: with group_interval
 *   500ms, repeat_interval 400ms repeats every 500 ms and 750ms every 1 s. An
 *   exact multiple is borderline (500ms: usually 1 s, sometimes 0.5 s; 1s:
 *   1.0 or 1.5 s), so pick a non-multiple. The fastest repeat is one
 *   `group_interval`.
 * - `group_wait: 0s` flushes as soon as the first alert of a group arrives,
 *   which can split alerts posted together; a small non-zero `group_wait`
 *   keeps a batch together.
 * - A webhook call may take max(group_interval, 10 s) before Alertmanager
 *   cancels it (0.25 enforces a 10 s minimum), so short intervals do not cut a
 *   slow receiver off. A failed call is retried on the next tick.
 * - Firing alerts arrive with `endsAt: "0001-01-01T00:00:00Z"`; `startsAt` has
 *   nanosecond precision when Alertmanager set it ("...:52.911383928Z").
 *
 * {@link FAST_TIMINGS} are the defaults of {@link startAlertmanager}.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './wait.js';

/**
 * Fast timings that stay deterministic (see the module comment): the first
 * notification ~100 ms after the push, a resolved one at most 500 ms after the
 * resolve, and no repeats within a test (1 h). For a repeat test pass e.g.
 * `repeatInterval: '400ms'` (a repeat every ~500 ms) or `'750ms'` (every ~1 s).
 */
export const FAST_TIMINGS = {
  groupWait: '100ms',
  groupInterval: '500ms',
  repeatInterval: '1h',
} as const;

/** Where CI (and developers) get the binary from. */
export const INSTALL_HINT =
  'Prometheus Alertmanager is not installed: run `bash .ci/install-alertmanager.sh` (Debian package prometheus-alertmanager)';

const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
const HTTP_TIMEOUT_MS = 5_000;
const STDERR_LIMIT = 64 * 1024;

export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  /** RFC 3339; Alertmanager uses "now" when absent. */
  startsAt?: string;
  /** RFC 3339; absent means "firing until resolve_timeout (5m) passes without an update". */
  endsAt?: string;
  generatorURL?: string;
}

export interface AlertmanagerOptions {
  /** Where the webhook receiver POSTs notifications. */
  webhookUrl: string;
  /** Sent as `Authorization: Bearer <token>` (http_config.authorization). Omitted: no header. */
  bearerToken?: string;
  /** Defaults to FAST_TIMINGS.groupWait. */
  groupWait?: string;
  /** Defaults to FAST_TIMINGS.groupInterval. Must not be zero. */
  groupInterval?: string;
  /** Defaults to FAST_TIMINGS.repeatInterval. Must not be zero. */
  repeatInterval?: string;
  /** Defaults to true. */
  sendResolved?: boolean;
  /** Defaults to ['alertname']. */
  groupBy?: string[];
  /** Receiver name in the config and in the webhook payload. Defaults to 'apierr'. */
  receiverName?: string;
  /** Overrides alertmanagerBinary(). */
  binary?: string;
  /** How long to wait for GET /-/ready; defaults to 15 s. */
  readyTimeoutMs?: number;
}

/** An alert as Alertmanager reports it on GET /api/v2/alerts (the fields tests need). */
export interface AlertmanagerApiAlert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  status: { state: string; silencedBy: string[]; inhibitedBy: string[] };
  receivers: { name: string }[];
  generatorURL?: string;
}

export interface AlertmanagerHandle {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly pid: number | undefined;
  /** The generated configuration file (YAML). */
  readonly configPath: string;
  /** POST /api/v2/alerts. Throws unless Alertmanager answers 200. */
  pushAlerts(alerts: AlertmanagerAlert[]): Promise<void>;
  /**
   * Pushes the same alerts again with `endsAt` = `at` (default now), which
   * resolves them; with send_resolved Alertmanager then sends a "resolved"
   * notification on the group's next group_interval tick. Pass the alerts with
   * their annotations: the latest push's annotations are the ones notified.
   */
  resolveAlerts(alerts: AlertmanagerAlert[], at?: Date): Promise<void>;
  /** GET /api/v2/alerts (active, silenced and inhibited alerts). */
  getAlerts(): Promise<AlertmanagerApiAlert[]>;
  /** SIGTERM, then SIGKILL after a timeout; removes the temp dir. Idempotent. */
  stop(): Promise<void>;
  /** What the process has written to stderr (its log) so far, last 64 KiB. */
  stderr(): string;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `/usr/bin/prometheus-alertmanager` (Debian), else `alertmanager` or `prometheus-alertmanager` on PATH. */
export function alertmanagerBinary(): string | undefined {
  const candidates = ['/usr/bin/prometheus-alertmanager'];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    candidates.push(join(dir, 'alertmanager'), join(dir, 'prometheus-alertmanager'));
  }
  return candidates.find(isExecutable);
}

/** A port that was free on 127.0.0.1 a moment ago. */

function buildConfig(opts: AlertmanagerOptions): Record<string, unknown> {
  const receiver = opts.receiverName ?? 'apierr';
  const webhook: Record<string, unknown> = {
    url: opts.webhookUrl,
    send_resolved: opts.sendResolved ?? true,
  };
  if (opts.bearerToken !== undefined) {
    webhook.http_config = { authorization: { type: 'Bearer', credentials: opts.bearerToken } };
  }
  return {
    route: {
      receiver,
      group_by: opts.groupBy ?? ['alertname'],
      group_wait: opts.groupWait ?? FAST_TIMINGS.groupWait,
      group_interval: opts.groupInterval ?? FAST_TIMINGS.groupInterval,
      repeat_interval: opts.repeatInterval ?? FAST_TIMINGS.repeatInterval,
    },
    receivers: [{ name: receiver, webhook_configs: [webhook] }],
  };
}

// Children still running when the test process exits are killed with it.
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of liveChildren) c.kill('SIGKILL');
    });
  }
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (await waitForExit(child, STOP_TIMEOUT_MS)) return;
  child.kill('SIGKILL');
  await waitForExit(child, STOP_TIMEOUT_MS);
}

async function postAlerts(url: string, alerts: AlertmanagerAlert[]): Promise<void> {
  const res = await fetch(`${url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alerts),
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  if (res.status !== 200) {
    throw new Error(`Alertmanager rejected POST /api/v2/alerts: ${res.status} ${await res.text()}`);
  }
  await res.arrayBuffer();
}

interface Launched {
  child: ChildProcess;
  port: number;
  stderr: () => string;
}

async function launch(binary: string, configPath: string, storagePath: string, readyTimeoutMs: number) {
  const port = await freePort();
  const child = spawn(
    binary,
    [
      `--config.file=${configPath}`,
      `--storage.path=${storagePath}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Makes the payload's externalURL http://127.0.0.1:PORT instead of http://<hostname>:PORT.
      `--web.external-url=http://127.0.0.1:${port}`,
      // Empty: no HA cluster, no gossip port, no settle wait before notifying.
      '--cluster.listen-address=',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  track(child);
  let log = '';
  const append = (chunk: Buffer) => {
    log += chunk.toString('utf8');
    if (log.length > STDERR_LIMIT) log = log.slice(-STDERR_LIMIT);
  };
  child.stderr?.on('data', append);
  child.stdout?.on('data', append);
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });
  const launched: Launched = { child, port, stderr: () => log };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (spawnError) return { launched, error: `could not start ${binary}: ${spawnError.message}` };
    if (child.exitCode !== null || child.signalCode !== null) {
      return { launched, error: `${binary} exited early (code ${child.exitCode}, signal ${child.signalCode})` };
    }
    try {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.status === 200) return { launched, error: undefined };
      lastProblem = `GET /-/ready answered ${res.status}`;
    } catch (err) {
      lastProblem = `GET /-/ready failed: ${(err as Error).message}`;
    }
    await sleep(50);
  }
  return { launched, error: `${binary} was not ready within ${readyTimeoutMs} ms (${lastProblem})` };
}

/**
 * Starts Alertmanager on a free 127.0.0.1 port with a generated config whose
 * only route sends every alert to one webhook receiver (`opts.webhookUrl`),
 * and resolves once GET /-/ready answers 200.
 */
export async function startAlertmanager(opts: AlertmanagerOptions): Promise<AlertmanagerHandle> {
  const binary = opts.binary ?? alertmanagerBinary();
  if (!binary) throw new Error(INSTALL_HINT);
  const dir = await mkdtemp(join(tmpdir(), 'apierr-alertmanager-'));
  const configPath = join(dir, 'alertmanager.yml');
  const storagePath = join(dir, 'data');
  const readyTimeoutMs = opts.readyTimeoutMs ?? READY_TIMEOUT_MS;

  try {
    await writeFile(configPath, stringify(buildConfig(opts)), 'utf8');
    // The port is picked before the process binds it; retry if someone took it meanwhile.
    let attempt = await launch(binary, configPath, storagePath, readyTimeoutMs);
    for (let i = 0; attempt.error && i < 2 && /address already in use/i.test(attempt.launched.stderr()); i++) {
      await killChild(attempt.launched.child);
      attempt = await launch(binary, configPath, storagePath, readyTimeoutMs);
    }
    const { launched, error } = attempt;
    if (error) {
      await killChild(launched.child);
      throw new Error(`${error}\n--- alertmanager stderr ---\n${launched.stderr()}`);
    }
    return makeHandle(launched, configPath, dir);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

function makeHandle(launched: Launched, configPath: string, dir: string): AlertmanagerHandle {
  const { child, port } = launched;
  const url = `http://127.0.0.1:${port}`;
  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    pid: child.pid,
    configPath,
    stderr: launched.stderr,
    pushAlerts: (alerts) => postAlerts(url, alerts),
    resolveAlerts: (alerts, at = new Date()) => {
      const endsAt = at.toISOString();
      return postAlerts(
        url,
        alerts.map((a) => ({ ...a, endsAt })),
      );
    },
    async getAlerts() {
      const res = await fetch(`${url}/api/v2/alerts`, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
      if (res.status !== 200) throw new Error(`GET /api/v2/alerts: ${res.status} ${await res.text()}`);
      return (await res.json()) as AlertmanagerApiAlert[];
    },
    stop() {
      stopping ??= (async () => {
        await killChild(child);
        await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
