/**
 * Storage at size (run as its own process by bench/run.js, with --expose-gc): fills a fresh SQLite file
 * through the real store (dist/store/sqlite-store.js) with N alerts and their outcomes, the way the
 * server would have written them over weeks, then measures the file size, this process's RSS and how
 * long store.stats() takes at that size.
 *
 * Per alert: receiveAlerts (batches of 200, as concurrent webhooks would), saveParent and saveExplanation
 * (the outbox's writes after posting, with an entry id, a confidence and the fix order); a quarter of the
 * alerts get a recordFix (some from two people, some "resolved without a listed fix"). The outbox rows are
 * then marked sent in one UPDATE, as after a drained outbox.
 *
 * Usage: node --expose-gc bench/storage.js <dbPath> [alerts] [statsRuns]. Prints one JSON line.
 * @module
 */
import { statSync } from 'node:fs';
import { parseBundle } from '../dist/core/knowledge/bundle.js';
import { KNOWLEDGE_BUNDLE_JSON } from '../dist/generated/knowledge-bundle.js';
import { openSqliteStore } from '../dist/store/sqlite-store.js';

const [dbPath, alertsArg, statsRunsArg] = process.argv.slice(2);
if (!dbPath) throw new Error('usage: node bench/storage.js <dbPath> [alerts] [statsRuns]');
const TOTAL = Number(alertsArg ?? 100_000);
const STATS_RUNS = Number(statsRunsArg ?? 7);
const BATCH = 200;
const DAY = 86_400_000;

const entries = parseBundle(KNOWLEDGE_BUNDLE_JSON).entries;
let seed = 42;
const random = () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
};
const pick = (list) => list[Math.floor(random() * list.length)];
// Skewed towards a few entries, as real alert traffic is (5xx, 429 and timeouts dominate).
const weightedEntries = entries.flatMap((entry, i) =>
  Array.from({ length: i % 5 === 0 ? 8 : i % 3 === 0 ? 3 : 1 }, () => entry),
);
const SERVICES = [
  'checkout-api',
  'payments-api',
  'ledger',
  'search',
  'auth-gateway',
  'notifications',
  'catalog',
  'orders',
];
const USERS = Array.from({ length: 12 }, (_, i) => `U0ONCALL${String(i).padStart(3, '0')}`);

const rssBefore = process.memoryUsage().rss;
const { store, sqlite, close } = openSqliteStore(dbPath);
const now = Date.now();
const started = performance.now();

// 1. Receive: N new alerts, in batches, spread over the last 60 days.
const planned = [];
for (let i = 0; i < TOTAL; i += BATCH) {
  const batch = [];
  const at = now - 60 * DAY + Math.floor((i / TOTAL) * 60 * DAY);
  for (let j = i; j < Math.min(TOTAL, i + BATCH); j++) {
    const entry = pick(weightedEntries);
    const service = pick(SERVICES);
    const code = entry.codes[0];
    const alert = {
      source: 'alertmanager',
      dedupKey: `alertmanager:${j.toString(16).padStart(16, '0')}:${new Date(at).toISOString()}`,
      status: 'firing',
      title: `HighErrorRate ${service}`,
      description: `${service} ${entry.title.toLowerCase()} ratio above 5% on ${service}-7d9f8b6c5-${j.toString(36)}. ${entry.summary.slice(0, 120)}`,
      service,
      severity: random() < 0.3 ? 'critical' : 'warning',
      statusCode: code,
      startsAt: new Date(at).toISOString(),
      url: 'http://prometheus.example.internal:9090/graph?g0.expr=sum+by+%28pod%29+%28rate%28http_requests_total%5B5m%5D%29%29',
      labels: {
        alertname: 'HighErrorRate',
        service,
        severity: 'critical',
        namespace: 'payments',
        pod: `${service}-7d9f8b6c5-${j.toString(36)}`,
        job: service,
        cluster: 'prod-eu-1',
      },
    };
    batch.push(alert);
    planned.push({ entry, service, at });
  }
  await store.receiveAlerts(batch, 'C0BENCH0001', at);
}
const receivedMs = performance.now() - started;

// 2. The outbox's writes after posting, and the outcomes people recorded. The store's methods are called
// inside explicit transactions of 1,000 alerts only to save fill time (the rows are the same as one
// commit per call); with a store whose methods are asynchronous inside, they simply commit on their own.
const ids = sqlite.prepare('SELECT id FROM alerts ORDER BY id').pluck().all();
let fixes = 0;
const writeOutcomes = (from, to) => {
  const pending = [];
  for (let k = from; k < to; k++) {
    const id = ids[k];
    const { entry, service, at } = planned[k];
    pending.push(
      store.saveParent(id, {
        channel: 'C0BENCH0001',
        ts: `1700000000.${String(2 * k).padStart(6, '0')}`,
        teamId: 'T0BENCH0001',
      }),
    );
    const fixOrder = entry.fixes.map((fix) => fix.id);
    pending.push(
      store.saveExplanation(id, {
        ts: `1700000000.${String(2 * k + 1).padStart(6, '0')}`,
        entryId: entry.id,
        confidence: Math.round((0.5 + random() * 0.5) * 1000) / 1000,
        fixOrder,
      }),
    );
    if (random() < 0.25) {
      const roll = random();
      const fixId =
        roll < 0.1
          ? undefined
          : fixOrder[Math.min(fixOrder.length - 1, Math.floor(random() * random() * fixOrder.length))];
      const record = {
        alertId: id,
        entryId: entry.id,
        fixId,
        service,
        userId: pick(USERS),
        teamId: 'T0BENCH0001',
        at: at + 3_600_000,
      };
      pending.push(store.recordFix(record));
      fixes++;
      if (roll > 0.9) {
        pending.push(store.recordFix({ ...record, userId: pick(USERS) }));
        fixes++;
      }
    }
  }
  return pending;
};
for (let k = 0; k < ids.length; k += 1000) {
  let pending = [];
  sqlite.transaction(() => {
    pending = writeOutcomes(k, Math.min(ids.length, k + 1000));
  })();
  await Promise.all(pending);
}
sqlite.prepare("UPDATE deliveries SET state = 'sent', attempts = 1").run();
const filledMs = performance.now() - started;

// 3. Stats at this size: one warm-up call, then the timed ones.
const statsMs = [];
let statsRows = 0;
for (let run = 0; run <= STATS_RUNS; run++) {
  const t = performance.now();
  const stats = await store.stats();
  const elapsed = performance.now() - t;
  if (run > 0) statsMs.push(elapsed);
  statsRows = stats.length;
}

globalThis.gc?.();
const memory = process.memoryUsage();
const counts = {
  alerts: sqlite.prepare('SELECT count(*) FROM alerts').pluck().get(),
  deliveries: sqlite.prepare('SELECT count(*) FROM deliveries').pluck().get(),
  fixOutcomes: sqlite.prepare('SELECT count(*) FROM fix_outcomes').pluck().get(),
};
const sqliteVersion = sqlite.prepare('SELECT sqlite_version()').pluck().get();
const walBeforeCheckpoint = sizeOf(`${dbPath}-wal`);
sqlite.pragma('wal_checkpoint(TRUNCATE)');
const dbBytes = sizeOf(dbPath);
close();

process.stdout.write(
  `${JSON.stringify({
    alerts: TOTAL,
    counts,
    fixesRecorded: fixes,
    receivedMs,
    filledMs,
    statsMs,
    statsRows,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    rssBeforeOpenBytes: rssBefore,
    dbBytes,
    walBeforeCheckpointBytes: walBeforeCheckpoint,
    sqliteVersion,
  })}\n`,
);

function sizeOf(path) {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
