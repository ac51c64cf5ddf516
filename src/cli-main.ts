/**
 * Process entry of the `apierr` command. Kept apart from cli.ts so that tests can run the CLI in-process.
 * @module
 */
import { runCli } from './cli.js';

try {
  process.exitCode = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
  });
} catch (error) {
  // A bug, not a usage error: say so in one line, without a stack trace unless asked for.
  process.stderr.write(`apierr: ${error instanceof Error ? error.message : String(error)}\n`);
  if (process.env.APIERR_DEBUG) console.error(error);
  process.exitCode = 70;
}
