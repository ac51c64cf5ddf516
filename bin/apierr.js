#!/usr/bin/env node
// Entry point of the `apierr` command: runs the compiled CLI (built by `npm run build`, which `npm ci` runs).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli-main.js', import.meta.url);
if (!existsSync(compiled)) {
  process.stderr.write('apierr: the CLI is not built yet; run "npm run build" (npm ci does it for you).\n');
  process.exit(1);
}
await import(compiled.href);
