#!/usr/bin/env node
// `npm run start:worker`: the Worker under `wrangler dev` (workerd, local D1, Durable Objects), with the
// same environment contract as `npm start`: PORT picks the port, the configuration variables set in the
// environment reach the Worker, and local state lives in a folder derived from DATABASE_PATH (so two runs
// with different DATABASE_PATH share nothing). Migrations are applied to that same state first.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const wrangler = join(dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'bin', 'wrangler.js');

const databasePath = resolve(process.env.DATABASE_PATH ?? './data/apierr.db');
const persistTo = `${databasePath}.wrangler`;
const port = process.env.PORT ?? '3000';
mkdirSync(persistTo, { recursive: true });

// Configuration names apierr reads (README, "Configuration"); PORT and DATABASE_PATH are this script's.
const CONFIG =
  /^(SLACK_|WEBHOOK|GRAFANA_|STANDARD_WEBHOOKS_|SENTRY_|PAGERDUTY_|SNS_|CLOUDWATCH_|CORS_ORIGINS$|API_TOKEN$|RETENTION_DAYS$|STORM_|LOG_LEVEL$|METRICS_|ALERTMANAGER_|LISTEN_)/;
const vars = Object.entries(process.env).filter(([name, value]) => CONFIG.test(name) && value !== undefined);
// An env file rather than --var flags: secrets stay off the process list. It replaces .dev.vars entirely.
const envFile = join(persistTo, 'worker.env');
writeFileSync(envFile, `${vars.map(([name, value]) => `${name}=${JSON.stringify(value)}`).join('\n')}\n`);
chmodSync(envFile, 0o600);

const env = {
  ...process.env,
  // Local runs need no Cloudflare account: no lookups of Cloudflare hosts, no telemetry.
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_SEND_METRICS: 'false',
};

// Workers cannot read files at run time: a team's KNOWLEDGE_DIR is compiled into the bundle the Worker imports.
if (process.env.KNOWLEDGE_DIR) {
  const built = spawnSync(
    process.execPath,
    [join(root, 'bin', 'apierr.js'), 'kb', 'build', '--dir', process.env.KNOWLEDGE_DIR],
    {
      cwd: root,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  if (built.status !== 0) {
    process.stderr.write('apierr: cannot start the Worker: KNOWLEDGE_DIR has invalid entries (see above)\n');
    process.exit(built.status ?? 1);
  }
}

const migrate = spawnSync(
  process.execPath,
  [wrangler, 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo],
  // Bounded: a local apply takes seconds; one was seen hanging on a loaded machine.
  { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'], timeout: 180_000, killSignal: 'SIGKILL' },
);
if (migrate.status !== 0) {
  process.stderr.write(
    `apierr: cannot start the Worker: applying the D1 migrations ${migrate.error ? 'timed out after 180 s' : 'failed'}\n`,
  );
  process.exit(migrate.status ?? 1);
}

const dev = spawn(
  process.execPath,
  [
    wrangler,
    'dev',
    '--port',
    port,
    '--ip',
    process.env.HOST ?? '127.0.0.1',
    '--persist-to',
    persistTo,
    '--env-file',
    envFile,
    '--show-interactive-dev-session=false',
    '--log-level',
    process.env.WRANGLER_LOG ?? 'log',
  ],
  { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => dev.kill(signal));
dev.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
