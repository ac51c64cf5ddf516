/**
 * A real Prometheus (Debian's prometheus package) on 127.0.0.1 scrapes the real apierr server's
 * `/metrics` with the bearer token, loads deploy/prometheus/apierr-rules.yml, and answers PromQL about
 * the webhooks this test sent; every query of the Grafana dashboard is valid PromQL to it.
 * Skipped only when the binary is absent outside CI; under CI (CI=true) a missing binary fails.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, webhookFixture } from '../helpers/app-harness.js';
import {
  findBinary,
  inCI,
  PROMETHEUS_INSTALL_HINT,
  type PrometheusHandle,
  startPrometheus,
} from '../helpers/prometheus.js';

const binary = findBinary('prometheus');
if (!binary && !inCI) console.warn(`[prometheus e2e] SKIPPED: ${PROMETHEUS_INSTALL_HINT}`);

const RULES = fileURLToPath(new URL('../../deploy/prometheus/apierr-rules.yml', import.meta.url));
const DASHBOARD = new URL('../../deploy/grafana/apierr-dashboard.json', import.meta.url);
const METRICS_TOKEN = 'prometheus-scrape-token';

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The dashboard's queries as Prometheus would get them from Grafana, variables filled in. */
function dashboardQueries(): string[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: { targets?: { expr: string }[] }[];
  };
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((t) =>
      t.expr.replaceAll('$job', '.+').replaceAll('$__rate_interval', '1m').replaceAll('$__range', '1h'),
    ),
  );
}

describe.skipIf(!binary && !inCI)('apierr scraped by a real Prometheus', () => {
  let app: TestApp;
  let prometheus: PrometheusHandle;

  beforeAll(async () => {
    if (!binary) throw new Error(PROMETHEUS_INSTALL_HINT);
    app = await startTestApp({ env: { METRICS_TOKEN } });
    prometheus = await startPrometheus({
      target: new URL(app.server.metricsUrl).host,
      bearerToken: METRICS_TOKEN,
      ruleFiles: [RULES],
    });
  });
  afterAll(async () => {
    await prometheus?.stop();
    await app?.close();
  });

  it('scrapes /metrics with the bearer token and finds the target up', async () => {
    const targets = await until('a healthy target', async () => {
      const found = await prometheus.targets();
      return found.some((t) => t.health === 'up') ? found : undefined;
    });
    expect(targets).toHaveLength(1);
    expect(targets[0]?.lastError).toBe('');
    const [up] = await prometheus.query('up{job="apierr"}');
    expect(up?.value[1]).toBe('1');
  });

  it('answers a query for the webhook counter with the requests this test sent', async () => {
    const fixture = webhookFixture('alertmanager-firing.json');
    expect((await app.webhook('alertmanager', fixture)).status).toBe(202);
    expect((await app.webhook('alertmanager', fixture)).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const res = await app.webhook('generic', { id: `prom-${i}`, title: 'Upstream 503', status_code: 503 });
      expect(res.status).toBe(202);
    }
    expect((await app.webhook('grafana', '{}', { authorization: 'Bearer wrong' })).status).toBe(401);

    const bySourceOutcome = await until('all six requests in Prometheus', async () => {
      const result = await prometheus.query('sum by (source, outcome) (apierr_webhook_requests_total{job="apierr"})');
      const total = result.reduce((sum, s) => sum + Number(s.value[1]), 0);
      return total === 6 ? result : undefined;
    });
    const count = (source: string, outcome: string) =>
      Number(bySourceOutcome.find((s) => s.metric.source === source && s.metric.outcome === outcome)?.value[1]);
    expect(count('alertmanager', 'accepted')).toBe(1);
    expect(count('alertmanager', 'duplicate')).toBe(1);
    expect(count('generic', 'accepted')).toBe(3);
    expect(count('grafana', 'unauthorized')).toBe(1);

    await app.settle();
    const posted = await until('the Slack posts in Prometheus', async () => {
      const [sample] = await prometheus.query(
        'sum(apierr_slack_calls_total{job="apierr", method="chat.postMessage", outcome="ok"})',
      );
      return sample && Number(sample.value[1]) === 10 ? sample : undefined;
    });
    expect(posted).toBeDefined();
  });

  it('loads the alerting rules and evaluates each without error', async () => {
    const groups = await until('evaluated rules', async () => {
      const found = await prometheus.rules();
      const rules = found.flatMap((g) => g.rules);
      return rules.length > 0 && rules.every((r) => r.health === 'ok') ? found : undefined;
    });
    expect(groups.map((g) => g.name)).toEqual(['apierr']);
    expect(groups[0]?.rules.map((r) => r.name).sort()).toEqual([
      'ApierrDeliveriesFailing',
      'ApierrDown',
      'ApierrOutboxLagging',
      'ApierrSlackRateLimited',
      'ApierrWebhookRejections',
    ]);
  });

  it("accepts every query of the Grafana dashboard, and finds data for the dashboard's apierr gauges", async () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(10);
    for (const query of queries) {
      const answer = await prometheus.tryQuery(query);
      expect({ query, ...answer }).toEqual({ query, status: 'success', resultType: 'vector' });
    }
    const [entries] = await prometheus.query('max(apierr_knowledge_entries{job=~".+"})');
    expect(Number(entries?.value[1])).toBe(app.server.services.entries.size);
  });
});
