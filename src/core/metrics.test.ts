import { describe, expect, it } from 'vitest';
import {
  boundedLabel,
  confidenceBucket,
  METRIC_DEFINITIONS,
  slashCommandKind,
  WEBHOOK_OUTCOMES,
  webhookOutcomeOf,
} from './metrics.js';

describe('the metrics port', () => {
  it('names each webhook status by its outcome, and anything unexpected as error', () => {
    expect([202, 200, 400, 401, 404, 413, 415, 422, 429, 500, 418].map((status) => webhookOutcomeOf(status))).toEqual([
      'accepted',
      'duplicate',
      'invalid_json',
      'unauthorized',
      'unknown_source',
      'payload_too_large',
      'unsupported_media_type',
      'invalid_payload',
      'rate_limited',
      'error',
      'error',
    ]);
    for (const status of [200, 202, 400, 401, 404, 413, 415, 422, 429]) {
      expect(WEBHOOK_OUTCOMES).toContain(webhookOutcomeOf(status));
    }
  });

  it('buckets confidence as the explanation words it: high, medium, low (a best guess), none', () => {
    expect([0.95, 0.8, 0.79, 0.5, 0.49, 0.2, undefined].map(confidenceBucket)).toEqual([
      'high',
      'high',
      'medium',
      'medium',
      'low',
      'low',
      'none',
    ]);
  });

  it('tells help, stats and explanations apart by the words the command answers to', () => {
    expect(['', 'help', '--help', '?', 'stats', ' STATS ', '429', 'help me'].map(slashCommandKind)).toEqual([
      'help',
      'help',
      'help',
      'help',
      'stats',
      'stats',
      'explain',
      'explain',
    ]);
  });

  it('keeps a label to its fixed set, counting anything else as other', () => {
    const sources = new Set(['alertmanager', 'grafana']);
    expect(boundedLabel('grafana', sources)).toBe('grafana');
    expect(boundedLabel('<script>', sources)).toBe('other');
    expect(boundedLabel(undefined, sources)).toBe('other');
  });

  it('declares every metric once, under the apierr_ prefix, counters ending in _total', () => {
    const names = Object.values(METRIC_DEFINITIONS).map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    for (const definition of Object.values(METRIC_DEFINITIONS)) {
      expect(definition.name).toMatch(/^apierr_[a-z_]+$/);
      expect(definition.name.endsWith('_total')).toBe(definition.type === 'counter');
    }
  });
});
