import { describe, expect, it } from 'vitest';
import { sampleValue } from '../../test/helpers/exposition.js';
import { createPromMetrics } from '../metrics/prom.js';
import type { Metrics } from './metrics.js';
import { bufferedMetrics } from './metrics-buffer.js';

const sets = { sources: ['alertmanager', 'generic'], entryIds: ['http-429', 'http-502'] };

function exercise(metrics: Metrics): void {
  metrics.webhookRequest('generic', 'accepted', 202);
  metrics.webhookRequest('generic', 'accepted', 202);
  metrics.webhookRequest('no-such-source', 'unknown_source', 404);
  metrics.alertsReceived('alertmanager', 7);
  metrics.alertMatched('http-429', 0.9);
  metrics.alertMatched('nope', 0.55);
  metrics.alertMatched(undefined, undefined);
  metrics.slackCall('chat.postMessage', 'ok', 0.07);
  metrics.slackCall('chat.postMessage', 'ok', 3);
  metrics.slackCall('chat.update', 'rate_limited', 0.01);
  metrics.retryAfterWait(30);
  metrics.deliveryFailed();
  metrics.digestOpened();
  metrics.fixRecorded('http-502');
  metrics.correction();
  metrics.slashCommand('stats');
}

describe('bufferedMetrics (for a store-backed /metrics)', () => {
  it('produces exactly the series and values the prom-client adapter exposes for the same calls', async () => {
    const buffered = bufferedMetrics(sets);
    exercise(buffered);
    const prom = createPromMetrics({
      ...sets,
      version: '0',
      runtime: 'test',
      backlog: () => ({ pending: 0, oldestAgeSeconds: 0 }),
      processMetrics: false,
    });
    exercise(prom.metrics);
    const text = await prom.exposition.render();

    const increments = buffered.drain();
    expect(increments.length).toBeGreaterThan(20);
    for (const { name, labels, value } of increments) {
      expect({ name, labels, value }).toEqual({ name, labels, value: sampleValue(text, name, labels) });
    }
    expect(
      increments.find((i) => i.name === 'apierr_webhook_requests_total' && i.labels.source === 'generic')?.value,
    ).toBe(2);
    expect(JSON.stringify(increments)).not.toContain('no-such-source');
  });

  it('forgets what it handed out', () => {
    const buffered = bufferedMetrics(sets);
    buffered.deliveryFailed();
    expect(buffered.drain()).toEqual([{ name: 'apierr_deliveries_failed_total', labels: {}, value: 1 }]);
    expect(buffered.drain()).toEqual([]);
  });
});
