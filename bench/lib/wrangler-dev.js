/**
 * Runs a Worker locally as `wrangler dev` does (wrangler's own startWorker API: the same esbuild bundle, the
 * same workerd with local D1 and Durable Objects, wrangler's proxy Worker in front) but with the DevTools
 * inspector off, which the `wrangler dev` command line cannot do. With the inspector on, workerd reports
 * every subrequest (each D1 query, each Durable Object call) as DevTools Network events, and wrangler's
 * inspector proxy posts each event to wrangler's Node process: for apierr's Worker that costs about three
 * times the Worker's own CPU per webhook, for the bare Worker nothing. Production has no inspector.
 *
 *   node bench/lib/wrangler-dev.js --config wrangler.toml --port P --persist-to DIR [--env-file FILE]
 *        [--migrate BINDING]
 *
 * --migrate applies the D1 migrations of that binding to the same local state first, as
 * scripts/start-worker.mjs does. Prints `Ready on URL`; SIGTERM or SIGINT disposes of the Worker and exits.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { unstable_startWorker } from 'wrangler';
import { ROOT } from './processes.js';

const { values: args } = parseArgs({
  options: {
    config: { type: 'string' },
    port: { type: 'string' },
    'persist-to': { type: 'string' },
    'env-file': { type: 'string' },
    migrate: { type: 'string' },
  },
});
if (!args.config || !args.port || !args['persist-to']) {
  process.stderr.write(
    'usage: wrangler-dev.js --config FILE --port P --persist-to DIR [--env-file FILE] [--migrate DB]\n',
  );
  process.exit(2);
}

if (args.migrate) {
  const migrate = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/wrangler/bin/wrangler.js'),
      'd1',
      'migrations',
      'apply',
      args.migrate,
      '--local',
      '--config',
      args.config,
      '--persist-to',
      args['persist-to'],
    ],
    { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: 90_000, killSignal: 'SIGKILL' },
  );
  if (migrate.status !== 0) {
    process.stderr.write(
      `wrangler-dev: applying the D1 migrations failed (${migrate.error?.message ?? migrate.status ?? migrate.signal})\n`,
    );
    process.exit(1);
  }
}

let worker;
try {
  worker = await unstable_startWorker({
    config: args.config,
    envFiles: args['env-file'] ? [args['env-file']] : [],
    dev: {
      server: { hostname: '127.0.0.1', port: Number(args.port) },
      inspector: false,
      persist: args['persist-to'],
      // Below "info" workerd's entry Worker also skips its per-request log line to wrangler's Node process.
      logLevel: 'warn',
      watch: false,
      liveReload: false,
    },
  });
  await worker.ready;
} catch (error) {
  const cause = error?.cause?.message ? `: ${error.cause.message}` : '';
  process.stderr.write(`wrangler-dev: cannot start ${args.config}: ${error?.message ?? error}${cause}\n`);
  await worker?.dispose().catch(() => {});
  process.exit(1);
}
process.stdout.write(`Ready on ${(await worker.url).href}\n`);
for (const signal of ['SIGTERM', 'SIGINT'])
  process.once(signal, () => {
    const timer = setTimeout(() => process.exit(0), 3000);
    timer.unref();
    worker.dispose().finally(() => process.exit(0));
  });
