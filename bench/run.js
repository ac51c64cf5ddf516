/**
 * `npm run bench`: apierr's benchmarks (issue 5), all on 127.0.0.1, each load run bounded in time and in
 * requests, a few minutes in all. Prints a table and writes BENCHMARKS.md (full runs only).
 *
 *   1. ingest   the built server (dist/runtime/node.js, fresh SQLite file per run) against a bare Hono
 *               server, same requests, same run: Alertmanager deliveries, half of them redeliveries
 *   2. slash    `/apierr 429` with a real Slack v0 signature
 *   6. worker   the Worker in local workerd with local D1 and Durable Objects (bench/lib/wrangler-dev.js:
 *               wrangler dev's runtime without its inspector) against a bare Hono Worker (bench/bare-worker/)
 *               in the same runtime, same deliveries, same run; local workerd is not production, so the
 *               figure that matters is the ratio (runs after slash, before matcher)
 *   3. matcher  matches/s on one thread, bundled base and a synthetic 1,000-entry base (bench/matcher.js)
 *   4. storage  100,000 alerts with outcomes: file size, RSS, store.stats() (bench/storage.js), and the
 *               server's RSS and GET /api/stats on that file
 *   5. accuracy scripts/eval-corpus.ts on the corpus and on the held-out set
 *
 * Options (after `npm run bench --`):
 *   --only ingest,slash,worker,matcher,storage,accuracy   run some phases (BENCHMARKS.md is then not written)
 *   --runs N            runs per load figure (default 3)
 *   --duration S        seconds per measured ingest run (default 10; Worker runs: at most 5)
 *   --alerts N          alerts in the storage phase (default 100000)
 *   --cpu-prof DIR      start the ingest server with `node --cpu-prof --cpu-prof-dir=DIR` and summarize it
 *   --no-write          do not write BENCHMARKS.md
 *   --out FILE          write the Markdown report to FILE (also for partial runs)
 *   --quiet-wait S      before each measured run, wait up to S s for other processes to leave the CPUs idle
 *   --worker-cli        run the Workers with the `wrangler dev` command line (scripts/start-worker.mjs), whose
 *                       DevTools inspector cannot be turned off, instead of bench/lib/wrangler-dev.js
 *   --worker-start-timeout S   give up on a Worker that does not answer /healthz after S s (default 120)
 * @module
 */
import { execFileSync, fork, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cpuSecondsOf, cpuSince, cpuSnapshot } from './lib/cpu.js';
import { startFakeSlack } from './lib/fake-slack.js';
import { freePort, ROOT, rssOf, runJsonChild, startProcessGroup, startServerProcess } from './lib/processes.js';
import { formatSummary, latestProfile, summarizeProfile } from './profile-summary.js';

const PHASES = ['ingest', 'slash', 'worker', 'matcher', 'storage', 'accuracy'];
const { values: options } = parseArgs({
  options: {
    only: { type: 'string' },
    runs: { type: 'string', default: '3' },
    duration: { type: 'string', default: '10' },
    alerts: { type: 'string', default: '100000' },
    'cpu-prof': { type: 'string' },
    'no-write': { type: 'boolean', default: false },
    'quiet-wait': { type: 'string', default: '0' },
    'worker-cli': { type: 'boolean', default: false },
    'worker-start-timeout': { type: 'string', default: '120' },
    out: { type: 'string' },
  },
});
const phases = options.only ? options.only.split(',').map((p) => p.trim()) : PHASES;
for (const phase of phases) if (!PHASES.includes(phase)) throw new Error(`unknown phase ${phase}; use ${PHASES}`);
const RUNS = Number(options.runs);
const QUIET_WAIT_SECONDS = Number(options['quiet-wait']);
const INGEST_SECONDS = Number(options.duration);
const STORAGE_ALERTS = Number(options.alerts);
const FULL_RUN =
  !options.only &&
  RUNS >= 3 &&
  INGEST_SECONDS === 10 &&
  STORAGE_ALERTS === 100_000 &&
  !options['cpu-prof'] &&
  !options['worker-cli'];
const OUT_FILE = options.out ?? (FULL_RUN && !options['no-write'] ? join(ROOT, 'BENCHMARKS.md') : undefined);

const CONNECTIONS = 50;
const WARMUP_SECONDS = 2;
const SLASH_SECONDS = 6;
const SLASH_WARMUP_SECONDS = 1;
const SLASH_SINGLE_SECONDS = 3;
/** The Worker phase: one start of each Worker (wrangler dev takes 10-30 s here), then short runs. */
const WORKER_SECONDS = Math.min(INGEST_SECONDS, 4);
/** apierr's Worker answers some 100 requests/s here: it needs longer than the bare one to warm up its JIT. */
const WORKER_WARMUP_SECONDS = { apierr: 4, bare: 1 };
const WORKER_START_TIMEOUT_MS = Number(options['worker-start-timeout']) * 1000;
/** Count bounds: far above what 10 s can reach here, so time ends the run; they stop a runaway. */
const MAX_REQUESTS_PER_RUN = 400_000;
/** Pre-generated deliveries: half new, half repeats; enough for 8,000 ingest requests/s for 10 s. */
const SEQUENCE_LENGTH = 160_000;
const WARMUP_SEQUENCE_LENGTH = 20_000;
const WEBHOOK_TOKEN = 'bench-webhook-token';
const SIGNING_SECRET = 'bench-signing-secret-0123456789abcdef';
const API_TOKEN = 'bench-api-token';
const CHANNEL = 'C0BENCH0001';
/** The whole bench stops if it runs longer than this. */
const HARD_DEADLINE_MS = 12 * 60_000;

const benchStarted = Date.now();
const cleanups = new Set();
const deadline = setTimeout(() => {
  console.error('bench: over the hard deadline, stopping');
  void cleanupAll().finally(() => process.exit(1));
}, HARD_DEADLINE_MS);
deadline.unref();
for (const signal of ['SIGINT', 'SIGTERM'])
  process.once(signal, () => void cleanupAll().finally(() => process.exit(130)));

async function cleanupAll() {
  for (const cleanup of [...cleanups].reverse()) {
    try {
      await cleanup();
    } catch {
      // best effort
    }
  }
  cleanups.clear();
}

const log = (line) => process.stderr.write(`${line}\n`);

// ------------------------------------------------------------------------------------------------------
// Helpers

function summary(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return { median: NaN, min: NaN, max: NaN, values };
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], values };
}

function startLoadGenerator() {
  const child = fork(join(ROOT, 'bench/load.js'), [], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let next = 0;
  const pending = new Map();
  child.on('message', (message) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    clearTimeout(waiter.timer);
    if (message.ok) waiter.resolve(message.reply);
    else waiter.reject(new Error(message.error));
  });
  child.on('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`load generator exited (${code})`));
    pending.clear();
  });
  const ask = (message, timeoutMs) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`load generator did not answer ${message.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer });
      child.send({ ...message, id });
    });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.disconnect();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return {
    pid: child.pid,
    prepare: (name, length, prefix) => ask({ type: 'prepare', name, length, prefix }, 60_000),
    run: (config) =>
      ask({ type: 'run', maxRequests: MAX_REQUESTS_PER_RUN, ...config }, (config.durationSec + 30) * 1000),
    stop,
  };
}

/**
 * Waits (up to --quiet-wait seconds) until other processes use under 0.15 of a core over one second, so
 * that a figure is not taken while something else on this shared machine is busy.
 */
let totalQuietWait = 0;
async function waitForQuiet(pids) {
  if (!(QUIET_WAIT_SECONDS > 0)) return 0;
  const started = Date.now();
  while (Date.now() - started < QUIET_WAIT_SECONDS * 1000) {
    const before = cpuSnapshot(pids);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (!(cpuSince(before, pids).foreignCores >= 0.15)) break;
  }
  const waited = (Date.now() - started) / 1000;
  totalQuietWait += waited;
  if (waited > 1.5) log(`  (waited ${fmt(waited, 0)} s for other processes to go quiet)`);
  return waited;
}

/**
 * Runs one measured load run and notes how much CPU other processes used meanwhile, and how much the
 * server's own processes (`serverPids`, default all of `pids`) used: `serverCpuSec`. Either list may be a
 * function, asked before and after the run (a process group whose members change).
 */
async function measured(load, config, pids, serverPids = pids) {
  const list = (p) => (typeof p === 'function' ? p() : p);
  await waitForQuiet([load.pid, ...list(pids)]);
  const before = cpuSnapshot([load.pid, ...list(pids)]);
  const serverBefore = cpuSecondsOf(list(serverPids));
  const result = await load.run(config);
  result.cpu = cpuSince(before, [load.pid, ...list(pids)]);
  result.serverCpuSec = cpuSecondsOf(list(serverPids)) - serverBefore;
  return result;
}

function tempDir() {
  const dir = mkdtempSync(join(os.tmpdir(), 'apierr-bench-'));
  cleanups.add(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function startApierr({ dir, slack, nodeArgs = [], extraEnv = {} }) {
  const env = {
    DATABASE_PATH: join(dir, 'apierr.db'),
    WEBHOOK_TOKEN,
    // The per-sender webhook limit (default 1,200/min) would refuse the storm with 429s: raised to its
    // maximum so the limiter still runs on every request but never refuses within a run.
    WEBHOOK_RATE_LIMIT: '1000000',
    LOG_LEVEL: 'silent',
    ...(slack && {
      SLACK_BOT_TOKEN: 'xoxb-bench-0000000000-0000000000000-benchbenchbenchbenchbenc',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      SLACK_ALERT_CHANNEL: CHANNEL,
    }),
    ...extraEnv,
  };
  const server = await startServerProcess({ script: 'dist/runtime/node.js', env, port: await freePort(), nodeArgs });
  cleanups.add(server.stop);
  return server;
}

async function stopServer(server) {
  await server.stop();
  cleanups.delete(server.stop);
}

// ------------------------------------------------------------------------------------------------------
// Machine

function machine() {
  const cpus = os.cpus();
  const version = (name) => {
    try {
      return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
    } catch {
      return 'unknown';
    }
  };
  let commit = 'unknown';
  let srcDiffers = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    // Read-only: does the working tree's src/ or knowledge/ differ from that commit?
    try {
      execFileSync('git', ['diff', '--quiet', 'HEAD', '--', 'src', 'knowledge', 'migrations'], { cwd: ROOT });
      srcDiffers = 'no';
    } catch {
      srcDiffers = 'yes';
    }
  } catch {
    // not a git checkout
  }
  return {
    date: new Date().toISOString(),
    cores: os.availableParallelism?.() ?? cpus.length,
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    cpuMHz: cpus[0]?.speed,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
    commit,
    srcDiffers,
    versions: {
      autocannon: version('autocannon'),
      hono: version('hono'),
      '@hono/node-server': version('@hono/node-server'),
      'better-sqlite3': version('better-sqlite3'),
      'drizzle-orm': version('drizzle-orm'),
      '@slack/bolt': version('@slack/bolt'),
      wrangler: version('wrangler'),
      workerd: version('workerd'),
    },
  };
}

// ------------------------------------------------------------------------------------------------------
// 1. Ingest

async function benchIngest(load, slack) {
  const path = '/webhooks/alertmanager';
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_TOKEN}` };
  const runs = [];
  const profileDir = options['cpu-prof'];
  for (let run = 1; run <= RUNS; run++) {
    const dir = tempDir();
    slack.reset();
    const nodeArgs = profileDir && run === 1 ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    const apierr = await startApierr({ dir, slack, nodeArgs });
    await load.run({
      url: apierr.url,
      path,
      headers,
      sequence: 'warmup',
      connections: CONNECTIONS,
      durationSec: WARMUP_SECONDS,
    });
    const ingest = await measured(
      load,
      { url: apierr.url, path, headers, sequence: 'main', connections: CONNECTIONS, durationSec: INGEST_SECONDS },
      [apierr.pid],
    );
    ingest.rssAfterBytes = await rssOf(apierr.pid);
    ingest.slackCalls = { ...slack.calls };
    await stopServer(apierr);
    rmSync(dir, { recursive: true, force: true });

    const bare = await startServerProcess({ script: 'bench/bare-server.js', env: {}, port: await freePort() });
    cleanups.add(bare.stop);
    await load.run({
      url: bare.url,
      path,
      headers,
      sequence: 'warmup',
      connections: CONNECTIONS,
      durationSec: WARMUP_SECONDS,
    });
    const baseline = await measured(
      load,
      { url: bare.url, path, headers, sequence: 'main', connections: CONNECTIONS, durationSec: INGEST_SECONDS },
      [bare.pid],
    );
    await stopServer(bare);

    const ratio = ingest.requestsPerSec / baseline.requestsPerSec;
    runs.push({ ingest, bare: baseline, ratio });
    log(
      `  ingest run ${run}: ${fmt(ingest.requestsPerSec, 0)} req/s p50 ${fmt(ingest.p50, 2)} ms p99 ${fmt(ingest.p99, 2)} ms ` +
        `non-2xx ${ingest.non2xx} (${JSON.stringify(ingest.statusCodes)}) | bare ${fmt(baseline.requestsPerSec, 0)} req/s ` +
        `p50 ${fmt(baseline.p50, 2)} p99 ${fmt(baseline.p99, 2)} | ratio ${fmt(ratio, 3)} | other CPU ` +
        `${fmt(ingest.cpu.foreignCores, 2)}/${fmt(baseline.cpu.foreignCores, 2)} cores`,
    );
  }
  let profile;
  if (profileDir) profile = summarizeProfile(latestProfile(profileDir), 15);
  return {
    runs,
    ingestRps: summary(runs.map((r) => r.ingest.requestsPerSec)),
    ingestP50: summary(runs.map((r) => r.ingest.p50)),
    ingestP99: summary(runs.map((r) => r.ingest.p99)),
    bareRps: summary(runs.map((r) => r.bare.requestsPerSec)),
    bareP50: summary(runs.map((r) => r.bare.p50)),
    bareP99: summary(runs.map((r) => r.bare.p99)),
    ratio: summary(runs.map((r) => r.ratio)),
    ingestNon2xx: summary(runs.map((r) => r.ingest.non2xx + r.ingest.errors + r.ingest.timeouts)),
    bareNon2xx: summary(runs.map((r) => r.bare.non2xx + r.bare.errors + r.bare.timeouts)),
    ingestRss: summary(runs.map((r) => r.ingest.rssAfterBytes)),
    foreign: summary(runs.flatMap((r) => [r.ingest.cpu.foreignCores, r.bare.cpu.foreignCores])),
    steal: summary(runs.flatMap((r) => [r.ingest.cpu.stealCores, r.bare.cpu.stealCores])),
    profile,
  };
}

// ------------------------------------------------------------------------------------------------------
// 2. Slash command

function formEncode(value) {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

function slashBody(slack, text) {
  const fields = {
    token: 'PLACEHOLDER_VERIFICATION_TOKEN',
    team_id: 'T0BENCH0001',
    team_domain: 'bench',
    channel_id: CHANNEL,
    channel_name: 'alerts',
    user_id: 'U0ONCALL000',
    user_name: 'oncall',
    command: '/apierr',
    text,
    api_app_id: 'A0BENCH0001',
    is_enterprise_install: 'false',
    response_url: `${slack.apiUrl.replace(/\/api\/$/, '')}/commands/T0BENCH0001/1/bench`,
    trigger_id: '1.1.bench',
  };
  return Object.entries(fields)
    .map(([k, v]) => `${formEncode(k)}=${formEncode(v)}`)
    .join('&');
}

/** Slack's v0 signature, computed once at the start of a run (valid for five minutes). */
function slackHeaders(body) {
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': ts,
    'x-slack-signature': signature,
  };
}

async function benchSlash(load, slack) {
  const runs = [];
  let sample;
  for (let run = 1; run <= RUNS; run++) {
    const dir = tempDir();
    const apierr = await startApierr({ dir, slack });
    const body = slashBody(slack, '429');
    const headers = slackHeaders(body);
    // One request first: the answer must be the 429 explanation, not an error or an empty ack.
    const res = await fetch(`${apierr.url}/slack/events`, { method: 'POST', headers, body });
    const text = await res.text();
    if (res.status !== 200 || !text.includes('429'))
      throw new Error(`/apierr 429 answered ${res.status}: ${text.slice(0, 300)}`);
    sample ??= { status: res.status, bytes: text.length, startsWith: text.slice(0, 120) };
    const base = { url: apierr.url, path: '/slack/events', headers, body, connections: CONNECTIONS };
    await load.run({ ...base, durationSec: SLASH_WARMUP_SECONDS });
    const result = await measured(load, { ...base, durationSec: SLASH_SECONDS }, [apierr.pid]);
    // One connection: no queueing behind other requests, so the latency is the server's time plus a loopback round trip.
    result.single = await measured(load, { ...base, connections: 1, durationSec: SLASH_SINGLE_SECONDS }, [apierr.pid]);
    await stopServer(apierr);
    rmSync(dir, { recursive: true, force: true });
    runs.push(result);
    log(
      `  slash run ${run}: ${fmt(result.requestsPerSec, 0)} req/s p50 ${fmt(result.p50, 2)} ms p99 ${fmt(result.p99, 2)} ms non-2xx ${result.non2xx}` +
        ` | 1 connection: ${fmt(result.single.requestsPerSec, 0)} req/s p50 ${fmt(result.single.p50, 2)} ms p99 ${fmt(result.single.p99, 2)} ms` +
        ` | other CPU ${fmt(result.cpu.foreignCores, 2)}/${fmt(result.single.cpu.foreignCores, 2)} cores`,
    );
  }
  return {
    runs,
    sample,
    rps: summary(runs.map((r) => r.requestsPerSec)),
    p50: summary(runs.map((r) => r.p50)),
    p99: summary(runs.map((r) => r.p99)),
    non2xx: summary(runs.map((r) => r.non2xx + r.errors + r.timeouts + r.single.non2xx + r.single.errors)),
    singleRps: summary(runs.map((r) => r.single.requestsPerSec)),
    singleP50: summary(runs.map((r) => r.single.p50)),
    singleP99: summary(runs.map((r) => r.single.p99)),
    foreign: summary(runs.flatMap((r) => [r.cpu.foreignCores, r.single.cpu.foreignCores])),
    steal: summary(runs.flatMap((r) => [r.cpu.stealCores, r.single.cpu.stealCores])),
  };
}

// ------------------------------------------------------------------------------------------------------
// 3. Matcher

async function benchMatcher() {
  await waitForQuiet([]);
  const before = cpuSnapshot();
  const result = await runJsonChild('bench/matcher.js', ['5', '600'], { timeoutMs: 120_000 });
  result.cpu = cpuSince(before);
  const bundledCorpus = summary(result.rates.bundledCorpus);
  const bundledShort = summary(result.rates.bundledShort);
  const syntheticCorpus = summary(result.rates.syntheticCorpus);
  const syntheticShort = summary(result.rates.syntheticShort);
  const slowdown = (a, b) => summary(a.map((rate, i) => rate / b[i]));
  return {
    ...result,
    bundledCorpus,
    bundledShort,
    syntheticCorpus,
    syntheticShort,
    slowdownCorpus: slowdown(result.rates.bundledCorpus, result.rates.syntheticCorpus),
    slowdownShort: slowdown(result.rates.bundledShort, result.rates.syntheticShort),
  };
}

// ------------------------------------------------------------------------------------------------------
// 4. Storage

async function benchStorage() {
  const dir = tempDir();
  const dbPath = join(dir, 'storage.db');
  await waitForQuiet([]);
  const before = cpuSnapshot();
  const filled = await runJsonChild('bench/storage.js', [dbPath, String(STORAGE_ALERTS), '7'], {
    nodeArgs: ['--expose-gc'],
    timeoutMs: 400_000,
  });
  filled.cpu = cpuSince(before);
  log(`  storage: filled ${filled.counts.alerts} alerts in ${fmt(filled.filledMs / 1000, 1)} s`);
  // The real server on that file: RSS after start and five GET /api/stats, three fresh starts.
  const serverRuns = [];
  for (let run = 1; run <= RUNS; run++) {
    const server = await startServerProcess({
      script: 'dist/runtime/node.js',
      env: { DATABASE_PATH: dbPath, API_TOKEN, LOG_LEVEL: 'silent' },
      port: await freePort(),
    });
    cleanups.add(server.stop);
    const rssIdle = await rssOf(server.pid);
    const times = [];
    for (let i = 0; i < 6; i++) {
      const t = performance.now();
      const res = await fetch(`${server.url}/api/stats`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
      const json = await res.json();
      if (res.status !== 200 || !Array.isArray(json.entries)) throw new Error(`/api/stats answered ${res.status}`);
      if (i > 0) times.push(performance.now() - t);
    }
    const rss = await rssOf(server.pid);
    await stopServer(server);
    serverRuns.push({ rssIdle, rss, apiStatsMs: summary(times).median });
  }
  rmSync(dir, { recursive: true, force: true });
  return {
    ...filled,
    statsTime: summary(filled.statsMs),
    serverRuns,
    serverRss: summary(serverRuns.map((r) => r.rss)),
    serverRssIdle: summary(serverRuns.map((r) => r.rssIdle)),
    apiStats: summary(serverRuns.map((r) => r.apiStatsMs)),
  };
}

// ------------------------------------------------------------------------------------------------------
// 5. Accuracy

async function accuracy(file) {
  const args = ['scripts/eval-corpus.ts', ...(file ? [file] : [])];
  const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => {
    out += c;
  });
  child.stderr.on('data', (c) => {
    out += c;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  await once(child, 'exit');
  clearTimeout(timer);
  const found = /top1 ([\d.]+)% top3 ([\d.]+)% of (\d+)/.exec(out);
  if (!found) throw new Error(`eval-corpus printed no accuracy line:\n${out.slice(-1000)}`);
  return { top1: Number(found[1]), top3: Number(found[2]), n: Number(found[3]), command: `npx tsx ${args.join(' ')}` };
}

// ------------------------------------------------------------------------------------------------------
// 6. Worker

/** What wrangler needs to run locally without a Cloudflare account, the network or the npm update check. */
const WRANGLER_ENV = {
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_SEND_METRICS: 'false',
  // No banner, so no update check.
  WRANGLER_HIDE_BANNER: 'true',
};
/**
 * With --worker-cli: below "info" workerd's entry Worker skips its request log, a round trip to wrangler's
 * Node process per request ("[wrangler:info] POST /webhooks/alertmanager 202"); production has no such thing.
 */
const WRANGLER_LOG_LEVEL = 'warn';

/**
 * Starts apierr's Worker and the bare Worker, in parallel, each a process group with its state in `dir`.
 * By default both run under bench/lib/wrangler-dev.js (wrangler's startWorker API, inspector off); with
 * --worker-cli apierr's runs under scripts/start-worker.mjs and the bare one under `wrangler dev`.
 */
async function startWorkers(dir, slack) {
  const [apierrPort, barePort] = [await freePort(), await freePort()];
  const config = {
    WEBHOOK_TOKEN,
    // As in the ingest phase: the maximum, so the limiter (one upsert in D1 here) runs on every request.
    WEBHOOK_RATE_LIMIT: '1000000',
    LOG_LEVEL: 'silent',
    SLACK_BOT_TOKEN: 'xoxb-bench-0000000000-0000000000000-benchbenchbenchbenchbenc',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    SLACK_ALERT_CHANNEL: CHANNEL,
  };
  let apierrArgs;
  let bareArgs;
  let apierrEnv = WRANGLER_ENV;
  if (options['worker-cli']) {
    apierrArgs = ['scripts/start-worker.mjs'];
    apierrEnv = {
      ...WRANGLER_ENV,
      ...config,
      WRANGLER_LOG: WRANGLER_LOG_LEVEL,
      PORT: String(apierrPort),
      DATABASE_PATH: join(dir, 'apierr.db'),
    };
    bareArgs = [
      join(ROOT, 'node_modules/wrangler/bin/wrangler.js'),
      'dev',
      '--config',
      'bench/bare-worker/wrangler.toml',
      '--port',
      String(barePort),
      '--ip',
      '127.0.0.1',
      '--persist-to',
      join(dir, 'bare.wrangler'),
      '--show-interactive-dev-session=false',
      '--log-level',
      WRANGLER_LOG_LEVEL,
    ];
  } else {
    // The variables as scripts/start-worker.mjs hands them to wrangler: an env file, not the process list.
    const envFile = join(dir, 'apierr-worker.env');
    writeFileSync(
      envFile,
      `${Object.entries(config)
        .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
        .join('\n')}\n`,
      { mode: 0o600 },
    );
    const launcher = 'bench/lib/wrangler-dev.js';
    apierrArgs = [launcher, '--config', 'wrangler.toml', '--port', String(apierrPort)];
    apierrArgs.push('--persist-to', join(dir, 'apierr.db.wrangler'), '--env-file', envFile, '--migrate', 'DB');
    bareArgs = [launcher, '--config', 'bench/bare-worker/wrangler.toml', '--port', String(barePort)];
    bareArgs.push('--persist-to', join(dir, 'bare.wrangler'));
  }
  const [apierrName, bareName] = options['worker-cli']
    ? ['node scripts/start-worker.mjs', 'wrangler dev --config bench/bare-worker/wrangler.toml']
    : [
        'bench/lib/wrangler-dev.js --config wrangler.toml',
        'bench/lib/wrangler-dev.js --config bench/bare-worker/wrangler.toml',
      ];
  const started = await Promise.allSettled([
    startProcessGroup({
      name: `the apierr Worker (${apierrName})`,
      args: apierrArgs,
      port: apierrPort,
      timeoutMs: WORKER_START_TIMEOUT_MS,
      env: apierrEnv,
    }),
    startProcessGroup({
      name: `the bare Worker (${bareName})`,
      args: bareArgs,
      port: barePort,
      timeoutMs: WORKER_START_TIMEOUT_MS,
      env: WRANGLER_ENV,
    }),
  ]);
  const workers = started.filter((s) => s.status === 'fulfilled').map((s) => s.value);
  for (const worker of workers) cleanups.add(worker.stop);
  const failed = started.filter((s) => s.status === 'rejected');
  if (failed.length > 0) {
    for (const worker of workers) await stopServer(worker);
    throw new Error(`worker phase: ${failed.map((f) => f.reason?.message ?? String(f.reason)).join('\n\n')}`);
  }
  return { apierr: workers[0], bare: workers[1] };
}

async function benchWorker(load, slack) {
  const path = '/webhooks/alertmanager';
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_TOKEN}` };
  const dir = tempDir();
  slack.reset();
  const { apierr, bare } = await startWorkers(dir, slack);
  const startSec = { apierr: apierr.startSec, bare: bare.startSec };
  log(`  worker: started in ${fmt(startSec.apierr, 1)} s (apierr) and ${fmt(startSec.bare, 1)} s (bare), in parallel`);
  // Asked at each measurement: wrangler may replace a workerd process after it first answered.
  const apierrPids = () => apierr.pids();
  const barePids = () => bare.pids();
  const allPids = () => [...apierr.pids(), ...bare.pids()];
  const base = { path, headers, connections: CONNECTIONS };
  const runs = [];
  // One database for every round: each round starts where the previous one stopped in the sequence, so its
  // new deliveries are new and its redeliveries repeat deliveries of the same round.
  let offset = 0;
  for (let run = 1; run <= RUNS; run++) {
    if (run === 1)
      await load.run({ ...base, url: apierr.url, sequence: 'warmup', durationSec: WORKER_WARMUP_SECONDS.apierr });
    const slackBefore = Object.values(slack.calls).reduce((a, b) => a + b, 0);
    const worker = await measured(
      load,
      { ...base, url: apierr.url, sequence: 'main', offset, durationSec: WORKER_SECONDS },
      allPids,
      apierrPids,
    );
    worker.slackCalls = Object.values(slack.calls).reduce((a, b) => a + b, 0) - slackBefore;
    if (run === 1)
      await load.run({ ...base, url: bare.url, sequence: 'warmup', durationSec: WORKER_WARMUP_SECONDS.bare });
    const baseline = await measured(
      load,
      { ...base, url: bare.url, sequence: 'main', offset, durationSec: WORKER_SECONDS },
      allPids,
      barePids,
    );
    offset += worker.issued;
    if (offset > SEQUENCE_LENGTH) log(`  worker: the sequence wrapped (${offset} > ${SEQUENCE_LENGTH} requests)`);
    const ratio = worker.requestsPerSec / baseline.requestsPerSec;
    runs.push({ worker, bare: baseline, ratio });
    log(
      `  worker run ${run}: ${fmt(worker.requestsPerSec, 0)} req/s p50 ${fmt(worker.p50, 2)} ms p99 ${fmt(worker.p99, 2)} ms ` +
        `non-2xx ${worker.non2xx} (${JSON.stringify(worker.statusCodes)}) errors ${worker.errors} timeouts ${worker.timeouts} ` +
        `Slack calls ${worker.slackCalls} | bare ${fmt(baseline.requestsPerSec, 0)} req/s p50 ${fmt(baseline.p50, 2)} ` +
        `p99 ${fmt(baseline.p99, 2)} | ratio ${fmt(ratio, 3)} | CPU ms/request ${fmt(cpuMsPerRequest(worker), 3)}/` +
        `${fmt(cpuMsPerRequest(baseline), 3)} | other CPU ${fmt(worker.cpu.foreignCores, 2)}/${fmt(baseline.cpu.foreignCores, 2)} cores`,
    );
  }
  await stopServer(apierr);
  await stopServer(bare);
  const slackCalls = { ...slack.calls };
  return {
    runs,
    startSec,
    slackCalls,
    apierrRps: summary(runs.map((r) => r.worker.requestsPerSec)),
    apierrP50: summary(runs.map((r) => r.worker.p50)),
    apierrP99: summary(runs.map((r) => r.worker.p99)),
    bareRps: summary(runs.map((r) => r.bare.requestsPerSec)),
    bareP50: summary(runs.map((r) => r.bare.p50)),
    bareP99: summary(runs.map((r) => r.bare.p99)),
    ratio: summary(runs.map((r) => r.ratio)),
    apierrNon2xx: summary(runs.map((r) => r.worker.non2xx + r.worker.errors + r.worker.timeouts)),
    bareNon2xx: summary(runs.map((r) => r.bare.non2xx + r.bare.errors + r.bare.timeouts)),
    apierrCpuMs: summary(runs.map((r) => cpuMsPerRequest(r.worker))),
    bareCpuMs: summary(runs.map((r) => cpuMsPerRequest(r.bare))),
    foreign: summary(runs.flatMap((r) => [r.worker.cpu.foreignCores, r.bare.cpu.foreignCores])),
    steal: summary(runs.flatMap((r) => [r.worker.cpu.stealCores, r.bare.cpu.stealCores])),
  };
}

/** CPU time of the server's processes per answered request, in ms (NaN when /proc is not there). */
function cpuMsPerRequest(result) {
  return result.completed > 0 && result.serverCpuSec > 0 ? (result.serverCpuSec * 1000) / result.completed : NaN;
}

// ------------------------------------------------------------------------------------------------------
// Report

function fmt(value, digits = 1) {
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
const mb = (bytes) => bytes / 1e6;
const mmm = (s, digits = 1, scale = (v) => v) =>
  `${fmt(scale(s.median), digits)} (${fmt(scale(s.min), digits)}–${fmt(scale(s.max), digits)})`;

/** How far a figure is from its target: "met, 1.6x better" or "not met, 10.2x short". */
function verdict(value, target, higherIsBetter) {
  if (!Number.isFinite(value)) return { met: false, text: 'not measured' };
  const met = higherIsBetter ? value >= target : value < target;
  const factor = higherIsBetter ? value / target : target / value;
  return {
    met,
    text: met
      ? `met (${fmt(factor, 2)}x the target)`
      : `not met: ${fmt(1 / factor, 2)}x ${higherIsBetter ? 'short' : 'over'}`,
  };
}

function buildReport(results) {
  const rows = [];
  const targets = [];
  const { ingest, slash, worker, matcher, storage, accuracy: acc } = results;
  if (ingest) {
    rows.push(
      ['Ingest: apierr requests/s', mmm(ingest.ingestRps, 0)],
      ['Ingest: apierr p50 latency, ms', mmm(ingest.ingestP50, 2)],
      ['Ingest: apierr p99 latency, ms', mmm(ingest.ingestP99, 2)],
      ['Ingest: bare Hono requests/s', mmm(ingest.bareRps, 0)],
      ['Ingest: bare Hono p50 latency, ms', mmm(ingest.bareP50, 2)],
      ['Ingest: bare Hono p99 latency, ms', mmm(ingest.bareP99, 2)],
      ['Ingest: ratio apierr/bare requests/s (same run)', mmm(ingest.ratio, 3)],
      ['Ingest: apierr non-2xx + errors + timeouts', mmm(ingest.ingestNon2xx, 0)],
      [
        'Ingest: apierr answers by status, per run',
        ingest.runs.map((r) => JSON.stringify(r.ingest.statusCodes)).join(' '),
      ],
      ['Ingest: bare non-2xx + errors + timeouts', mmm(ingest.bareNon2xx, 0)],
      ['Ingest: apierr RSS after the run, MB', mmm(ingest.ingestRss, 1, mb)],
      ["Ingest: other processes' CPU during the runs, cores", mmm(ingest.foreign, 2)],
    );
    targets.push(
      [
        'Ingest ≥ 0.35 of bare Hono requests/s',
        `${fmt(ingest.ratio.median, 3)}`,
        verdict(ingest.ratio.median, 0.35, true),
      ],
      [
        'Ingest p99 < 20 ms at 50 connections',
        `${fmt(ingest.ingestP99.median, 2)} ms`,
        verdict(ingest.ingestP99.median, 20, false),
      ],
      [
        'Ingest: no non-2xx answers',
        `${fmt(ingest.ingestNon2xx.max, 0)}`,
        ingest.ingestNon2xx.max === 0 ? { met: true, text: 'met' } : { met: false, text: 'not met' },
      ],
    );
  }
  if (slash) {
    rows.push(
      ['Slash /apierr 429, 50 connections: requests/s', mmm(slash.rps, 0)],
      ['Slash /apierr 429, 50 connections: p50 latency, ms (client-side)', mmm(slash.p50, 2)],
      ['Slash /apierr 429, 50 connections: p99 latency, ms (client-side)', mmm(slash.p99, 2)],
      ['Slash /apierr 429, 1 connection: requests/s', mmm(slash.singleRps, 0)],
      ['Slash /apierr 429, 1 connection: p50 latency, ms (client-side)', mmm(slash.singleP50, 2)],
      ['Slash /apierr 429, 1 connection: p99 latency, ms (client-side)', mmm(slash.singleP99, 2)],
      ['Slash /apierr 429: non-2xx + errors + timeouts', mmm(slash.non2xx, 0)],
      ["Slash: other processes' CPU during the runs, cores", mmm(slash.foreign, 2)],
    );
    targets.push(
      [
        'Slash command p99 < 10 ms, 50 connections (client-side: includes queueing behind 49 others)',
        `${fmt(slash.p99.median, 2)} ms`,
        verdict(slash.p99.median, 10, false),
      ],
      [
        'Slash command p99 < 10 ms, 1 connection (client-side ≈ server time + loopback)',
        `${fmt(slash.singleP99.median, 2)} ms`,
        verdict(slash.singleP99.median, 10, false),
      ],
    );
  }
  if (worker) {
    rows.push(
      ['Worker (local workerd): apierr Worker requests/s', mmm(worker.apierrRps, 0)],
      ['Worker: apierr Worker p50 latency, ms', mmm(worker.apierrP50, 2)],
      ['Worker: apierr Worker p99 latency, ms', mmm(worker.apierrP99, 2)],
      ['Worker: bare Hono Worker requests/s', mmm(worker.bareRps, 0)],
      ['Worker: bare Hono Worker p50 latency, ms', mmm(worker.bareP50, 2)],
      ['Worker: bare Hono Worker p99 latency, ms', mmm(worker.bareP99, 2)],
      ['Worker: ratio apierr/bare Worker requests/s (same run)', mmm(worker.ratio, 3)],
      ['Worker: apierr non-2xx + errors + timeouts', mmm(worker.apierrNon2xx, 0)],
      [
        'Worker: apierr answers by status, per run',
        worker.runs.map((r) => JSON.stringify(r.worker.statusCodes)).join(' '),
      ],
      ['Worker: bare non-2xx + errors + timeouts', mmm(worker.bareNon2xx, 0)],
      ['Worker: CPU per request, apierr Worker (wrangler + workerd), ms', mmm(worker.apierrCpuMs, 3)],
      ['Worker: CPU per request, bare Worker (wrangler + workerd), ms', mmm(worker.bareCpuMs, 3)],
      ["Worker: other processes' CPU during the runs, cores", mmm(worker.foreign, 2)],
    );
  }
  if (matcher) {
    rows.push(
      [`Matcher, bundled (${matcher.bundledEntries} entries), corpus texts: matches/s`, mmm(matcher.bundledCorpus, 0)],
      [`Matcher, bundled, short queries: matches/s`, mmm(matcher.bundledShort, 0)],
      [
        `Matcher, synthetic (${matcher.syntheticEntries} entries), corpus texts: matches/s`,
        mmm(matcher.syntheticCorpus, 0),
      ],
      [`Matcher, synthetic, short queries: matches/s`, mmm(matcher.syntheticShort, 0)],
      ['Matcher slowdown 1,000 vs bundled, corpus texts', `${mmm(matcher.slowdownCorpus, 2)}x`],
      ['Matcher slowdown 1,000 vs bundled, short queries', `${mmm(matcher.slowdownShort, 2)}x`],
      ["Matcher: other processes' CPU meanwhile, cores (one figure)", fmt(matcher.cpu.foreignCores, 2)],
    );
    targets.push(
      [
        'Matcher ≥ 100,000 matches/s, bundled, corpus texts',
        fmt(matcher.bundledCorpus.median, 0),
        verdict(matcher.bundledCorpus.median, 100_000, true),
      ],
      [
        'Matcher ≥ 100,000 matches/s, bundled, short queries',
        fmt(matcher.bundledShort.median, 0),
        verdict(matcher.bundledShort.median, 100_000, true),
      ],
      [
        'Matcher 1,000 entries ≤ 3x slower, corpus texts',
        `${fmt(matcher.slowdownCorpus.median, 2)}x`,
        verdictSlowdown(matcher.slowdownCorpus.median),
      ],
      [
        'Matcher 1,000 entries ≤ 3x slower, short queries',
        `${fmt(matcher.slowdownShort.median, 2)}x`,
        verdictSlowdown(matcher.slowdownShort.median),
      ],
    );
  }
  if (storage) {
    rows.push(
      [
        `Storage: database file at ${fmt(storage.counts.alerts, 0)} alerts, MB (after checkpoint)`,
        fmt(mb(storage.dbBytes), 1),
      ],
      ['Storage: filling process RSS after the fill, MB (one fill)', fmt(mb(storage.rssBytes), 1)],
      ['Storage: store.stats() at that size, ms', mmm(storage.statsTime, 2)],
      ['Storage: server RSS on that file after 5 GET /api/stats, MB', mmm(storage.serverRss, 1, mb)],
      ['Storage: GET /api/stats on that file, ms (client-side)', mmm(storage.apiStats, 2)],
      ["Storage: other processes' CPU during the fill, cores (one figure)", fmt(storage.cpu.foreignCores, 2)],
    );
    const worstRss = Math.max(storage.rssBytes, storage.serverRss.median);
    targets.push(
      [
        `RSS < 200 MB at 100,000 alerts (measured at ${fmt(storage.counts.alerts, 0)}; worse of filler and server)`,
        `${fmt(mb(worstRss), 1)} MB`,
        verdict(mb(worstRss), 200, false),
      ],
      [
        `stats < 50 ms at 100,000 alerts (measured at ${fmt(storage.counts.alerts, 0)})`,
        `${fmt(storage.statsTime.median, 2)} ms`,
        verdict(storage.statsTime.median, 50, false),
      ],
    );
  }
  if (acc) {
    rows.push(
      [
        `Accuracy, corpus (${acc.corpus.n} texts): top-1 / top-3`,
        `${fmt(acc.corpus.top1, 1)}% / ${fmt(acc.corpus.top3, 1)}%`,
      ],
      [
        `Accuracy, held-out (${acc.holdout.n} texts): top-1 / top-3`,
        `${fmt(acc.holdout.top1, 1)}% / ${fmt(acc.holdout.top3, 1)}%`,
      ],
    );
  }
  return { rows, targets };
}

function verdictSlowdown(factor) {
  return verdict(factor, 3, false).met
    ? { met: true, text: `met (${fmt(3 / factor, 2)}x headroom)` }
    : { met: false, text: `not met: ${fmt(factor / 3, 2)}x over` };
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

const PLACEHOLDER_CHANGES =
  '_To be filled by the lead: which change (guided by which profile) bought each gain, with the figures before and after._';

function existingChangesSection() {
  const file = join(ROOT, 'BENCHMARKS.md');
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const found = /\n## What changed and why\n([\s\S]*?)(?=\n## |$)/.exec(text);
  return found?.[1]?.trim() || undefined;
}

function markdown(results, report, m, elapsedSec) {
  const { ingest, slash, worker, matcher, storage, accuracy: acc } = results;
  const out = [];
  out.push('# Benchmarks');
  out.push('');
  out.push(
    `Written by \`npm run bench\` (bench/run.js) on ${m.date.slice(0, 10)}; bench/run.js took ${fmt(elapsedSec, 0)} s ` +
      '(plus about 5 s for the build that `npm run bench` runs first' +
      `${totalQuietWait > 1 ? `; ${fmt(totalQuietWait, 0)} s of it waiting for other processes to go quiet` : ''}). ` +
      `Command: \`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\`. ` +
      'Every figure is the median of the runs, with the minimum and maximum in brackets. All traffic is on 127.0.0.1.',
  );
  out.push('');
  out.push('## Machine');
  out.push('');
  out.push(
    table(
      ['', ''],
      [
        ['CPU', `${m.cpuModel}${m.cpuMHz ? ` (${m.cpuMHz} MHz)` : ''}`],
        ['Cores', String(m.cores)],
        ['Memory', `${m.memoryGiB} GiB`],
        ['OS', m.os],
        ['Node.js', m.node],
        ['Load average at start (1/5/15 min)', m.loadAverageAtStart.join(' / ')],
        [
          'Commit',
          `${m.commit}${m.srcDiffers === 'yes' ? ' (src/, knowledge/ or migrations/ had uncommitted changes)' : ''}`,
        ],
        [
          'Packages',
          Object.entries(m.versions)
            .map(([k, v]) => `${k} ${v}`)
            .join(', '),
        ],
        ...(storage ? [['SQLite', storage.sqliteVersion]] : []),
      ],
    ),
  );
  out.push('');
  out.push('## Results');
  out.push('');
  out.push(table(['figure', 'median (min–max)'], report.rows));
  out.push('');
  out.push('## Targets (issue 5)');
  out.push('');
  out.push(
    table(
      ['target', 'measured (median)', 'verdict'],
      report.targets.map(([t, v, d]) => [t, v, d.text]),
    ),
  );
  out.push('');
  out.push('## How each figure is measured');
  out.push('');
  if (ingest) {
    const r0 = ingest.runs[0];
    out.push(
      `- **Ingest.** The built server (\`node dist/runtime/node.js\`, LOG_LEVEL=silent, WEBHOOK_RATE_LIMIT=1000000: the maximum, so the per-sender ` +
        'limiter runs on every request but never refuses the storm) with a fresh SQLite file (WAL) per run, ' +
        `in Slack HTTP mode against a fake Slack Web API on 127.0.0.1 started by the bench (auth.test, chat.postMessage and chat.update ` +
        `answer ok:true with a unique ts), so the outbox drains without the network (it is paced at one post per channel per second, so ` +
        `it made only ${Object.values(r0.ingest.slackCalls).reduce((a, b) => a + b, 0)} Slack calls in the first run). ` +
        `The load generator is autocannon's API in its own process: ${CONNECTIONS} connections, ${INGEST_SECONDS} s per run after a ` +
        `${WARMUP_SECONDS} s warm-up on separate bodies, at most ${fmt(MAX_REQUESTS_PER_RUN, 0)} requests per run. ` +
        `Requests: \`POST /webhooks/alertmanager\` with \`Authorization: Bearer\`, Alertmanager v4 deliveries of ${fmt(results.bodyBytes, 0)} bytes ` +
        `on average with 2 alerts each, built from test/fixtures/webhooks/alertmanager-firing.json with their own fingerprints, startsAt, pods ` +
        `and error texts; every second request is an exact repeat of a delivery sent 100 to 2,000 requests earlier, so half the answers ` +
        `are \`202\` (stored) and half \`200 {"status":"duplicate"}\` (first run: ${JSON.stringify(r0.ingest.statusCodes)}). ` +
        `The bare server (bench/bare-server.js) is Hono on @hono/node-server in its own process answering \`202 {"status":"accepted"}\` ` +
        'to the same request sequence without reading the body; it runs right after the apierr run of the same round, and the ratio is ' +
        "taken per round. Requests/s is autocannon's mean of per-second samples.",
    );
  }
  if (ingest || slash || worker) {
    out.push(
      '- **Latency** is measured by the load generator (client-side, over loopback): from writing the request to reading the whole ' +
        "response, from autocannon's per-response event in fractional milliseconds (its own histogram keeps whole milliseconds). " +
        'With 50 connections kept busy it includes queueing in the server, so it is an upper bound of the time the server spends.',
    );
  }
  if (slash) {
    out.push(
      `- **Slash command.** \`POST /slack/events\` with a slash-command form body for \`/apierr 429\`, signed as Slack signs ` +
        `(v0, HMAC-SHA256 of \`v0:ts:body\` with SLACK_SIGNING_SECRET) once at the start of each run; the server runs in Slack HTTP mode ` +
        `(Bolt, with auth.test answered by the fake Slack). ${CONNECTIONS} connections, ${SLASH_SECONDS} s per run after a ` +
        `${SLASH_WARMUP_SECONDS} s warm-up, then ${SLASH_SINGLE_SECONDS} s on a single connection, fresh server and database per run. ` +
        'Before each run one request is checked: it must answer 200 with the explanation. At 50 busy connections the client-side ' +
        'latency is mostly waiting behind the other 49 requests (about connections / throughput); the single-connection figure ' +
        'has no such queue and is the closest this harness gets to the server-side time the target names without instrumenting src/.',
    );
  }
  if (worker) {
    const slackCalls = worker.runs.reduce((sum, r) => sum + r.worker.slackCalls, 0);
    out.push(
      '- **Worker (local workerd).** ' +
        (options['worker-cli']
          ? 'The Worker as `npm run start:worker` runs it (`node scripts/start-worker.mjs`: the D1 migrations, then the ' +
            '`wrangler dev` command line, with WRANGLER_LOG=warn), '
          : "The Worker under bench/lib/wrangler-dev.js: the D1 migrations as scripts/start-worker.mjs applies them, then wrangler's " +
            'own startWorker API, which is what the `wrangler dev` command line runs (same esbuild bundle of src/runtime/worker.ts, ' +
            "same workerd with local D1 and Durable Objects, wrangler's proxy Worker in front) but with the DevTools inspector " +
            'off, which the command line cannot do: with it on, every D1 query and Durable Object call becomes DevTools network ' +
            "events that wrangler's inspector proxy posts to wrangler's Node process, about three times the Worker's own CPU " +
            'per webhook here, while the bare Worker makes no subrequests and pays nothing (`--worker-cli` measures that way). ') +
        'State in a fresh temporary folder, LOG_LEVEL=silent, WEBHOOK_RATE_LIMIT=1000000 (so the limit is counted in D1 ' +
        'on every request but never refuses), in Slack HTTP mode against the same fake Slack, so every stored alert wakes the ' +
        "channel's Durable Object (a kick per webhook) and its alarm really posts (paced at one post per channel per second: " +
        `${slackCalls} Slack calls in the measured runs, ${JSON.stringify(worker.slackCalls)} in all). ` +
        'The bare Worker (bench/bare-worker/) is Hono in the same workerd, started the same way, answering ' +
        '`202 {"status":"accepted"}` to any POST without reading the body. wrangler logs at warn: at info workerd\'s entry ' +
        "Worker also sends wrangler's Node process a log line per request. " +
        `Each Worker is started once per bench, both in parallel (ready after ${fmt(worker.startSec.apierr, 0)} s and ` +
        `${fmt(worker.startSec.bare, 0)} s), warmed up on separate bodies (${WORKER_WARMUP_SECONDS.apierr} s and ` +
        `${WORKER_WARMUP_SECONDS.bare} s), then ${RUNS} rounds of ${WORKER_SECONDS} s on apierr's Worker then ` +
        `${WORKER_SECONDS} s on the bare Worker, with the same load generator, ${CONNECTIONS} connections, headers and ` +
        `deliveries as the ingest phase (first round: ${JSON.stringify(worker.runs[0].worker.statusCodes)}). At these ` +
        'rates 50 connections mostly queue, so the latencies are about connections / throughput. The D1 database is kept ' +
        'across rounds: each round continues the delivery sequence where the previous one stopped, so its new deliveries are ' +
        "new (the database grows by a round's alerts each round). CPU per request is the CPU time of the Worker's whole " +
        'process group (Node running wrangler, the proxy and user workerd processes, esbuild) during the run over the ' +
        'requests answered. Local workerd is not production (no Cloudflare edge, D1 is a local SQLite file behind a local ' +
        'shim, everything shares two cores with the load generator): read these figures as the ratio to the bare Worker in ' +
        'the same runtime and run, which shows what D1 batches and the outbox wake-up cost.',
    );
  }
  if (matcher) {
    out.push(
      `- **Matcher.** bench/matcher.js in its own process, one thread: \`createMatcher\` from dist/core/knowledge/matcher.js, ` +
        `${matcher.runs} runs of ${matcher.msPerRun} ms each after three warm-up passes (so the matcher's own term cache is warm, as in a ` +
        `server that has been up a while). Corpus texts: the ${matcher.corpusTexts} texts of test/fixtures/match-corpus.jsonl ` +
        `(${matcher.meanCorpusChars} characters on average). Short queries: ${matcher.shortQueries} typed queries ("429", "AUTH-401", ` +
        '"cors preflight", "jwt expired", "401 vs 403", ...). The synthetic base is the bundled entries plus clones up to ' +
        `${matcher.syntheticEntries}, each with a new id, made-up aliases, signal phrases and prose words (the vocabulary grows) and, for ` +
        `40%, a random status code; built in ${fmt(matcher.syntheticBuildMs, 0)} ms (bundled: ${fmt(matcher.bundledBuildMs, 0)} ms). ` +
        `The clones do not change the top match of any corpus text (${matcher.sameTop1} of ${matcher.corpusTexts} agree). ` +
        'The slowdown is bundled rate / synthetic rate, per run.',
    );
  }
  if (storage) {
    out.push(
      `- **Storage.** bench/storage.js fills a fresh SQLite file through the real store (\`openSqliteStore(...).store\` from ` +
        `dist/store/sqlite-store.js): ${fmt(storage.counts.alerts, 0)} alerts by \`receiveAlerts\` in batches of 200, then ` +
        '`saveParent` and `saveExplanation` (entry id, confidence, fix order) for every alert and `recordFix` for a quarter of them ' +
        `(${fmt(storage.counts.fixOutcomes, 0)} fix outcomes), and the ${fmt(storage.counts.deliveries, 0)} outbox rows marked sent. ` +
        `The fill took ${fmt(storage.filledMs / 1000, 1)} s (${fmt(storage.receivedMs / 1000, 1)} s of it in receiveAlerts); it runs ` +
        "once per bench, so the file size and the filling process's RSS (after a forced GC) are single figures. " +
        `\`store.stats()\` is timed ${storage.statsMs.length} times after one warm-up call. Then the built server is started ` +
        `${storage.serverRuns.length} times on that file (offline mode, API_TOKEN set): its RSS after five \`GET /api/stats\` ` +
        `(idle RSS right after start: ${mmm(storage.serverRssIdle, 1, mb)} MB). The file size is taken after a WAL checkpoint ` +
        `(the WAL held ${fmt(mb(storage.walBeforeCheckpointBytes), 1)} MB before it).`,
    );
  }
  if (acc) {
    out.push(
      `- **Accuracy.** \`${acc.corpus.command}\` and \`${acc.holdout.command}\`: the top match (top-1) or one of the first three ` +
        '(top-3) is the labelled entry or one of its accepted alternatives. The held-out set was never used for tuning.',
    );
  }
  const foreign = [
    ingest?.foreign.max,
    slash?.foreign.max,
    worker?.foreign.max,
    matcher?.cpu.foreignCores,
    storage?.cpu.foreignCores,
  ].filter(Number.isFinite);
  out.push(
    '- **Other load on the machine.** For every measured run the bench takes the CPU time the whole machine spent busy ' +
      '(/proc/stat) minus the CPU time of its own processes (servers, load generator, children) and reports the rest as ' +
      `"other processes' CPU" in cores. ${QUIET_WAIT_SECONDS > 0 ? `This run waited up to ${QUIET_WAIT_SECONDS} s before each measured run for that to fall under 0.15 cores. ` : ''}` +
      (foreign.length && Math.max(...foreign) > 0.2
        ? `The largest was ${fmt(Math.max(...foreign), 2)} cores of this machine's ${m.cores}: other work was running during ` +
          'these measurements, so throughputs are lower and latencies higher than on an idle machine. It costs the bare server ' +
          'most (it and its load generator each want a whole core), so the ingest/bare ratio comes out higher than it would on ' +
          'an idle machine.'
        : 'It stayed under 0.2 cores: the machine was otherwise idle.'),
  );
  out.push('');
  out.push('## What changed and why');
  out.push('');
  out.push(existingChangesSection() ?? PLACEHOLDER_CHANGES);
  out.push('');
  out.push('## Reproduce');
  out.push('');
  out.push('```sh');
  out.push('npm ci');
  out.push('npm run bench                      # everything, about 4 minutes on this machine; writes this file');
  out.push('npm run bench -- --only ingest --runs 1 --cpu-prof /tmp/apierr-prof   # one profiled ingest run');
  out.push('npm run bench -- --only worker --duration 3                          # the Worker phase alone, short');
  out.push('node bench/profile-summary.js /tmp/apierr-prof                         # top self-time functions');
  out.push('```');
  out.push('');
  return out.join('\n');
}

// ------------------------------------------------------------------------------------------------------
// Main

async function main() {
  const m = machine();
  log(
    `apierr bench: ${m.cores} cores, ${m.cpuModel}, Node ${m.node}, ${m.date}, load ${m.loadAverageAtStart.join(' ')}`,
  );
  if (!existsSync(join(ROOT, 'dist/runtime/node.js'))) throw new Error('dist/ is missing: run npm run build');
  if (options['cpu-prof']) mkdirSync(options['cpu-prof'], { recursive: true });

  const results = {};
  const timings = {};
  const needLoad = phases.includes('ingest') || phases.includes('slash') || phases.includes('worker');
  let load;
  let slack;
  if (needLoad) {
    slack = await startFakeSlack();
    cleanups.add(slack.close);
    load = startLoadGenerator();
    cleanups.add(load.stop);
  }

  const prepareDeliveries = async (phase) => {
    if (results.bodyBytes !== undefined) return;
    log(`${phase}: preparing request bodies`);
    const main = await load.prepare('main', SEQUENCE_LENGTH, 'm');
    await load.prepare('warmup', WARMUP_SEQUENCE_LENGTH, 'w');
    results.bodyBytes = main.meanBytes;
  };
  if (phases.includes('ingest')) {
    const t = Date.now();
    await prepareDeliveries('ingest');
    log(`ingest: ${RUNS} runs of ${INGEST_SECONDS} s, apierr then bare Hono, ${CONNECTIONS} connections`);
    results.ingest = await benchIngest(load, slack);
    timings.ingest = (Date.now() - t) / 1000;
  }
  if (phases.includes('slash')) {
    const t = Date.now();
    log(`slash: ${RUNS} runs of ${SLASH_SECONDS} s`);
    results.slash = await benchSlash(load, slack);
    timings.slash = (Date.now() - t) / 1000;
  }
  if (phases.includes('worker')) {
    const t = Date.now();
    await prepareDeliveries('worker');
    log(
      `worker: apierr Worker and bare Hono Worker in local workerd (${options['worker-cli'] ? 'wrangler dev' : 'bench/lib/wrangler-dev.js'}), ${RUNS} rounds of ` +
        `${WORKER_SECONDS} s each, ${CONNECTIONS} connections`,
    );
    results.worker = await benchWorker(load, slack);
    timings.worker = (Date.now() - t) / 1000;
  }
  if (load) {
    await load.stop();
    cleanups.delete(load.stop);
    await slack.close();
    cleanups.delete(slack.close);
  }
  if (phases.includes('matcher')) {
    const t = Date.now();
    log('matcher: bundled and 1,000-entry bases');
    results.matcher = await benchMatcher();
    timings.matcher = (Date.now() - t) / 1000;
  }
  if (phases.includes('storage')) {
    const t = Date.now();
    log(`storage: filling ${fmt(STORAGE_ALERTS, 0)} alerts`);
    results.storage = await benchStorage();
    timings.storage = (Date.now() - t) / 1000;
  }
  if (phases.includes('accuracy')) {
    const t = Date.now();
    log('accuracy: scripts/eval-corpus.ts');
    results.accuracy = { corpus: await accuracy(), holdout: await accuracy('test/fixtures/match-holdout.jsonl') };
    timings.accuracy = (Date.now() - t) / 1000;
  }

  const elapsedSec = (Date.now() - benchStarted) / 1000;
  const report = buildReport(results);
  const print = (line = '') => process.stdout.write(`${line}\n`);
  print();
  print(`apierr benchmarks — ${m.date}`);
  print(`machine: ${m.cores} cores, ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, commit ${m.commit}`);
  print(
    `runs: ${RUNS}; phases took ${Object.entries(timings)
      .map(([k, v]) => `${k} ${fmt(v, 0)} s`)
      .join(', ')}; total ${fmt(elapsedSec, 0)} s`,
  );
  print();
  print(table(['figure', 'median (min–max)'], report.rows));
  print();
  print(
    table(
      ['target', 'measured', 'verdict'],
      report.targets.map(([t, v, d]) => [t, v, d.text]),
    ),
  );
  if (results.ingest?.profile) {
    print();
    print(`CPU profile of the ingest server (first run), top self time:\n${formatSummary(results.ingest.profile)}`);
  }
  if (OUT_FILE) {
    writeFileSync(OUT_FILE, markdown(results, report, m, elapsedSec));
    print();
    print(`wrote ${OUT_FILE}`);
  } else {
    print();
    print('BENCHMARKS.md not written (partial run or --no-write)');
  }
  if (process.env.BENCH_JSON)
    writeFileSync(process.env.BENCH_JSON, JSON.stringify({ machine: m, results, timings }, null, 2));
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await cleanupAll();
  clearTimeout(deadline);
}
