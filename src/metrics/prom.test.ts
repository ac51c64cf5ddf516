import { describe, expect, it } from 'vitest';
import { sampleValue } from '../../test/helpers/exposition.js';
import { METRIC_DEFINITIONS } from '../core/metrics.js';
import { createPromMetrics } from './prom.js';

function make(backlog = () => ({ pending: 0, oldestAgeSeconds: 0 })) {
  return createPromMetrics({
    sources: ['alertmanager', 'generic'],
    entryIds: ['http-429', 'http-502'],
    version: '1.2.3',
    runtime: 'node v22.0.0',
    backlog,
    processMetrics: false,
  });
}

describe('the prom-client metrics', () => {
  it('declares exactly the catalogue, with build info and the knowledge base size', async () => {
    const text = await make().exposition.render();
    const families = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
    expect(families).toEqual(
      Object.values(METRIC_DEFINITIONS)
        .map((d) => `${d.name} ${d.type}`)
        .sort(),
    );
    expect(text).toContain('apierr_build_info{version="1.2.3",runtime="node v22.0.0"} 1');
    expect(sampleValue(text, 'apierr_knowledge_entries')).toBe(2);
  });

  it('counts labels from the fixed sets only: an unknown source or entry is "other"', async () => {
    const { metrics, exposition } = make();
    metrics.webhookRequest('generic', 'accepted', 202);
    metrics.webhookRequest('x'.repeat(200), 'unknown_source', 404);
    metrics.alertsReceived('alertmanager', 5);
    metrics.alertsReceived('made-up', 1);
    metrics.alertMatched('http-429', 0.93);
    metrics.alertMatched('http-502', 0.3);
    metrics.alertMatched('not-an-entry', 0.6);
    metrics.alertMatched(undefined, undefined);
    metrics.fixRecorded('http-429');
    metrics.fixRecorded('injected"label');
    const text = await exposition.render();
    expect(
      sampleValue(text, 'apierr_webhook_requests_total', { source: 'generic', outcome: 'accepted', code: '202' }),
    ).toBe(1);
    expect(sampleValue(text, 'apierr_webhook_requests_total', { source: 'other', outcome: 'unknown_source' })).toBe(1);
    expect(sampleValue(text, 'apierr_alerts_received_total', { source: 'alertmanager' })).toBe(5);
    expect(sampleValue(text, 'apierr_alerts_received_total', { source: 'other' })).toBe(1);
    expect(sampleValue(text, 'apierr_alerts_matched_total', { entry: 'http-429', confidence: 'high' })).toBe(1);
    expect(sampleValue(text, 'apierr_alerts_matched_total', { entry: 'http-502', confidence: 'low' })).toBe(1);
    expect(sampleValue(text, 'apierr_alerts_matched_total', { entry: 'other', confidence: 'medium' })).toBe(1);
    expect(sampleValue(text, 'apierr_alerts_matched_total', { entry: 'none', confidence: 'none' })).toBe(1);
    expect(sampleValue(text, 'apierr_fixes_recorded_total', { entry: 'other' })).toBe(1);
    expect(text).not.toContain('xxxx');
    expect(text).not.toContain('made-up');
    expect(text).not.toContain('injected');
  });

  it('observes Slack latency and Retry-After in histograms', async () => {
    const { metrics, exposition } = make();
    metrics.slackCall('chat.postMessage', 'ok', 0.04);
    metrics.slackCall('chat.postMessage', 'rate_limited', 0.02);
    metrics.retryAfterWait(30);
    const text = await exposition.render();
    expect(
      sampleValue(text, 'apierr_slack_call_duration_seconds_bucket', {
        method: 'chat.postMessage',
        outcome: 'ok',
        le: '0.05',
      }),
    ).toBe(1);
    expect(sampleValue(text, 'apierr_slack_calls_total', { method: 'chat.postMessage', outcome: 'rate_limited' })).toBe(
      1,
    );
    expect(sampleValue(text, 'apierr_slack_calls_total', { method: 'chat.update', outcome: 'ok' })).toBe(0);
    expect(sampleValue(text, 'apierr_slack_retry_after_seconds_bucket', { le: '10' })).toBe(0);
    expect(sampleValue(text, 'apierr_slack_retry_after_seconds_bucket', { le: '30' })).toBe(1);
    expect(sampleValue(text, 'apierr_slack_retry_after_seconds_sum')).toBe(30);
  });

  it('reads the outbox backlog once per scrape, at scrape time', async () => {
    let reads = 0;
    let pending = 3;
    const { exposition } = make(() => {
      reads++;
      return { pending, oldestAgeSeconds: 42.5 };
    });
    const first = await exposition.render();
    expect(reads).toBe(1);
    expect(sampleValue(first, 'apierr_outbox_pending_deliveries')).toBe(3);
    expect(sampleValue(first, 'apierr_outbox_oldest_pending_age_seconds')).toBe(42.5);
    pending = 0;
    expect(sampleValue(await exposition.render(), 'apierr_outbox_pending_deliveries')).toBe(0);
    expect(reads).toBe(2);
  });

  it('keeps each instance in a registry of its own', async () => {
    const a = make();
    const b = make();
    a.metrics.deliveryFailed();
    expect(sampleValue(await a.exposition.render(), 'apierr_deliveries_failed_total')).toBe(1);
    expect(sampleValue(await b.exposition.render(), 'apierr_deliveries_failed_total')).toBe(0);
  });
});
