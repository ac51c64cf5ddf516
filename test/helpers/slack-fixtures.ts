/**
 * Locates the Slack fixtures for tests: the repo copy (test/fixtures/slack) once it exists, else the
 * shared research folder they were written in, so helper tests run before and after the copy lands.
 * @module
 */

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CANDIDATES = [fileURLToPath(new URL('../fixtures/slack/', import.meta.url)), '/work/shared/fixtures/slack/'];

export const SLACK_FIXTURES_DIR = CANDIDATES.find((dir) => existsSync(`${dir}signatures.json`));

/** The exact bytes of a fixture file as a string (signatures cover them, trailing newline included). */
export function readSlackFixture(name: string): string {
  if (!SLACK_FIXTURES_DIR) throw new Error(`Slack fixtures not found; looked in ${CANDIDATES.join(', ')}`);
  return readFileSync(`${SLACK_FIXTURES_DIR}${name}`, 'utf8');
}
