import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParseOutcome } from '../alert.js';
import { isSourceName, SOURCE_NAMES, SOURCES } from './index.js';

const FIXTURES = new URL('../../../../test/fixtures/webhooks/', import.meta.url);
const fixtureNames = readdirSync(FIXTURES).filter((name) => name.endsWith('.json') && name !== 'signatures.json');
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));

type Path = Array<string | number>;

/** Every position in a JSON value, the root included. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [prefix];
  const children = Object.entries(value).flatMap(([key, child]) =>
    pathsOf(child, [...prefix, Array.isArray(value) ? Number(key) : key]),
  );
  return [prefix, ...children];
}

/** A copy of `value` with the node at `path` replaced. */
function replaceAt(value: unknown, path: Path, replacement: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  copy[head] = replaceAt(copy[head], rest, replacement);
  return copy;
}

/** Fixtures with one node replaced by anything at all: mostly-valid bodies that probe every field. */
const mutatedFixture = fc
  .constantFrom(...fixtureNames)
  .map(fixture)
  .chain((body) =>
    fc.tuple(fc.constantFrom(...pathsOf(body)), fc.anything()).map(([path, node]) => replaceAt(body, path, node)),
  );

const headers = fc.dictionary(
  fc.oneof(fc.constantFrom('idempotency-key', 'webhook-id', 'sentry-hook-resource'), fc.string()),
  fc.oneof(fc.constantFrom('event_alert', 'metric_alert', 'installation'), fc.string()),
);

const anyBody = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withNullPrototype: true,
  withObjectString: true,
  withSet: true,
  withSparseArray: true,
  withTypedArray: true,
});

/** What every outcome must satisfy, whatever the body. */
function expectWellFormed(outcome: ParseOutcome, source: string): void {
  expect(typeof outcome.ok).toBe('boolean');
  if (!outcome.ok) {
    expect(outcome.error.code).toBe('payload_invalid');
    expect(outcome.error.pointer).toMatch(/^(\/.*)?$/);
    return;
  }
  for (const alert of outcome.alerts) {
    expect(alert.source).toBe(source);
    expect(alert.dedupKey.startsWith(`${source}:`)).toBe(true);
    expect(['firing', 'resolved']).toContain(alert.status);
    expect(alert.title.trim()).not.toBe('');
    expect(typeof alert.description).toBe('string');
    for (const value of Object.values(alert.labels)) expect(typeof value).toBe('string');
    if (alert.statusCode !== undefined) expect(alert.statusCode >= 100 && alert.statusCode <= 599).toBe(true);
  }
}

describe('SOURCES', () => {
  it('has a parser for every source named in the webhook URL', () => {
    expect(Object.keys(SOURCES).sort()).toEqual(
      ['alertmanager', 'cloudwatch', 'datadog', 'generic', 'grafana', 'opsgenie', 'pagerduty', 'sentry'].sort(),
    );
    expect([...SOURCE_NAMES].sort()).toEqual(Object.keys(SOURCES).sort());
  });

  it('finds nothing for names inherited from Object.prototype', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(SOURCES[name]).toBeUndefined();
      expect(isSourceName(name)).toBe(false);
    }
    expect(isSourceName('grafana')).toBe(true);
  });

  it('parses every fixture of its own source into at least one alert, except the SNS confirmation', () => {
    for (const name of fixtureNames) {
      const source = name.split('-')[0] ?? '';
      const parse = SOURCES[source];
      if (!parse) continue;
      const outcome = parse(fixture(name), { headers: {} });
      expectWellFormed(outcome, source);
      const count = outcome.ok ? outcome.alerts.length : -1;
      if (name === 'cloudwatch-sns-confirm.json') expect(count).toBe(0);
      else expect(count).toBeGreaterThan(0);
    }
  });
});

describe.each(SOURCE_NAMES)('the %s parser', (source) => {
  const parse = SOURCES[source];
  if (!parse) throw new Error(`no parser for ${source}`);

  it('never throws and always returns a well-formed outcome, whatever the body', () => {
    fc.assert(
      fc.property(anyBody, headers, (body, context) => {
        expectWellFormed(parse(body, { headers: context }), source);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on any fixture with one field replaced by anything', () => {
    fc.assert(
      fc.property(mutatedFixture, headers, (body, context) => {
        expectWellFormed(parse(body, { headers: context }), source);
      }),
      { numRuns: 300 },
    );
  });
});
