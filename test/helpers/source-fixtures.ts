/** Shared by the webhook source parser tests: fixtures and unwrapping of parse outcomes. */
import { readFileSync } from 'node:fs';
import type { ParseOutcome } from '../../src/core/alerts/alert.js';

export const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../fixtures/webhooks/${name}`, import.meta.url), 'utf8'));

export const noHeaders = { headers: {} };

export function alertsOf(outcome: ParseOutcome) {
  if (!outcome.ok) throw new Error(`expected ok, got ${outcome.error.message}`);
  return outcome.alerts;
}

export function errorOf(outcome: ParseOutcome) {
  if (outcome.ok) throw new Error('expected a payload error');
  return outcome.error;
}

export function pointerOf(outcome: ParseOutcome): string {
  return errorOf(outcome).pointer;
}
