/**
 * The files in deploy/ checked with the real tools and against what apierr exposes:
 * `promtool check rules` and `promtool test rules` on the alerting rules, `amtool check-config` on the
 * Alertmanager example, and the Grafana dashboard's and the rules' queries naming only metrics that
 * apierr's /metrics declares (or Prometheus' own `up`). The tools come from Debian's prometheus and
 * prometheus-alertmanager packages: skipped locally when missing, failing under CI.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SOURCE_NAMES } from '../src/core/alerts/sources/index.js';
import { parseBundle } from '../src/core/knowledge/bundle.js';
import { createMatcher } from '../src/core/knowledge/matcher.js';
import { KNOWLEDGE_BUNDLE_JSON } from '../src/generated/knowledge-bundle.js';
import { createPromMetrics } from '../src/metrics/prom.js';
import { exposedNames, metricNamesIn } from './helpers/exposition.js';
import { AMTOOL_INSTALL_HINT, findBinary, inCI, PROMETHEUS_INSTALL_HINT, runTool } from './helpers/prometheus.js';

const deploy = (path: string) => fileURLToPath(new URL(`../deploy/${path}`, import.meta.url));
const read = (path: string) => readFileSync(deploy(path), 'utf8');

/** How a panel names the datasource variable (a Grafana variable, not a JavaScript placeholder). */
const DATASOURCE_UID = ['$', '{datasource}'].join('');

/** Series Prometheus adds itself for every target. */
const PROMETHEUS_OWN = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);

async function exposed(): Promise<Set<string>> {
  const { exposition } = createPromMetrics({
    sources: SOURCE_NAMES,
    entryIds: ['http-429'],
    version: '0.0.0',
    runtime: 'test',
    backlog: () => ({ pending: 0, oldestAgeSeconds: 0 }),
  });
  return exposedNames(await exposition.render());
}

interface Panel {
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
  gridPos: { x: number; y: number; w: number; h: number };
}

interface Rule {
  alert: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

describe('the Grafana dashboard', () => {
  const dashboard = JSON.parse(read('grafana/apierr-dashboard.json')) as {
    uid: string;
    title: string;
    templating: { list: { name: string; type: string; query: unknown }[] };
    panels: Panel[];
    __inputs?: unknown;
  };
  const queryPanels = dashboard.panels.filter((p) => p.type !== 'row');

  it('is importable as is: the Prometheus datasource is a variable, with no import-time inputs', () => {
    expect(dashboard.uid).toBe('apierr-overview');
    expect(dashboard.__inputs).toBeUndefined();
    const variable = dashboard.templating.list.find((v) => v.name === 'datasource');
    expect(variable).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const panel of queryPanels) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: DATASOURCE_UID });
      for (const target of panel.targets ?? []) expect(target.datasource?.uid).toBe(DATASOURCE_UID);
    }
  });

  it('has panel ids and grid positions that do not overlap', () => {
    const ids = dashboard.panels.map((p) => (p as Panel & { id: number }).id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const { gridPos: g, title } of dashboard.panels) {
      expect(g.x + g.w, title).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++)
        for (let y = g.y; y < g.y + g.h; y++) {
          expect(cells.has(`${x},${y}`), `${title} overlaps at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
    }
  });

  it('covers ingest, outcomes, Slack health and 429s, outbox lag, top patterns and fixes, naming only metrics apierr exposes', async () => {
    const names = await exposed();
    const used = new Set<string>();
    for (const panel of queryPanels) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const { expr } of panel.targets ?? []) {
        for (const name of metricNamesIn(expr)) {
          expect(names.has(name) || PROMETHEUS_OWN.has(name), `${panel.title}: ${name} in ${expr}`).toBe(true);
          used.add(name);
        }
      }
    }
    for (const name of [
      'apierr_webhook_requests_total',
      'apierr_alerts_received_total',
      'apierr_slack_calls_total',
      'apierr_slack_retry_after_seconds_sum',
      'apierr_slack_call_duration_seconds_bucket',
      'apierr_outbox_oldest_pending_age_seconds',
      'apierr_outbox_pending_deliveries',
      'apierr_deliveries_failed_total',
      'apierr_alerts_matched_total',
      'apierr_fixes_recorded_total',
    ]) {
      expect(used.has(name), name).toBe(true);
    }
  });
});

describe('the alerting rules', () => {
  const rules = (parse(read('prometheus/apierr-rules.yml')) as { groups: { rules: Rule[] }[] }).groups.flatMap(
    (g) => g.rules,
  );

  it('cover the process down, outbox lag, deliveries failing, Slack rate limiting and webhook 4xx spikes', () => {
    expect(rules.map((r) => r.alert).sort()).toEqual([
      'ApierrDeliveriesFailing',
      'ApierrDown',
      'ApierrOutboxLagging',
      'ApierrSlackRateLimited',
      'ApierrWebhookRejections',
    ]);
  });

  it('each have a summary and a description, and a status_code label where one status explains them', () => {
    for (const rule of rules) {
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description, rule.alert).toBeTruthy();
      expect(rule.labels?.severity, rule.alert).toMatch(/^(critical|warning)$/);
    }
    const statusCodes = Object.fromEntries(rules.map((r) => [r.alert, r.labels?.status_code]));
    expect(statusCodes.ApierrSlackRateLimited).toBe('429');
    expect(statusCodes.ApierrWebhookRejections).toBe('{{ $labels.code }}');
  });

  it('are explained by apierr itself when Alertmanager sends them back to it', () => {
    const matcher = createMatcher(parseBundle(KNOWLEDGE_BUNDLE_JSON).entries);
    const labels: Record<string, string> = { instance: 'apierr:3000', source: 'grafana', code: '401', job: 'apierr' };
    const fill = (template: string) =>
      template
        .replace(/\{\{\s*\$labels\.(\w+)\s*\}\}/g, (_, name: string) => labels[name] ?? '')
        .replace(/\{\{[^}]*\}\}/g, '3');
    const best = Object.fromEntries(
      rules.map((rule) => {
        const text = `${fill(rule.annotations?.summary ?? '')}\n${fill(rule.annotations?.description ?? '')}`;
        const statusCode = rule.labels?.status_code ? Number(fill(rule.labels.status_code)) : undefined;
        const [match] = matcher.match(text, { statusCode }).matches;
        return [rule.alert, match && match.confidence >= 0.5 ? match.id : undefined];
      }),
    );
    expect(best).toMatchObject({
      ApierrDown: 'upstream-connection',
      ApierrSlackRateLimited: 'http-429',
      ApierrWebhookRejections: 'http-401',
    });
    for (const rule of rules) expect(best[rule.alert], rule.alert).toBeDefined();
  });

  it('name only metrics apierr exposes', async () => {
    const names = await exposed();
    for (const rule of rules) {
      for (const name of metricNamesIn(rule.expr)) {
        expect(names.has(name) || PROMETHEUS_OWN.has(name), `${rule.alert}: ${name}`).toBe(true);
      }
    }
  });

  const promtool = findBinary('promtool');
  if (!promtool && !inCI) console.warn(`[deploy] promtool checks SKIPPED: ${PROMETHEUS_INSTALL_HINT}`);

  it.skipIf(!promtool && !inCI)('pass `promtool check rules`', async () => {
    if (!promtool) throw new Error(PROMETHEUS_INSTALL_HINT);
    const result = await runTool(promtool, ['check', 'rules', deploy('prometheus/apierr-rules.yml')]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('SUCCESS: 5 rules found');
  });

  it.skipIf(!promtool && !inCI)('pass their unit tests, one or more per rule, with `promtool test rules`', async () => {
    if (!promtool) throw new Error(PROMETHEUS_INSTALL_HINT);
    const tests = parse(read('prometheus/apierr-rules.test.yml')) as {
      tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
    };
    const fired = new Set(
      tests.tests.flatMap((t) => t.alert_rule_test.filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname)),
    );
    expect([...fired].sort()).toEqual(rules.map((r) => r.alert).sort());
    const result = await runTool(promtool, ['test', 'rules', 'apierr-rules.test.yml'], {
      cwd: deploy('prometheus'),
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('SUCCESS');
  });
});

describe('the Alertmanager and Grafana contact point examples', () => {
  const amtool = findBinary('amtool');
  if (!amtool && !inCI) console.warn(`[deploy] amtool check SKIPPED: ${AMTOOL_INSTALL_HINT}`);

  it.skipIf(!amtool && !inCI)('alertmanager.yml passes `amtool check-config`', async () => {
    if (!amtool) throw new Error(AMTOOL_INSTALL_HINT);
    const result = await runTool(amtool, ['check-config', deploy('alertmanager/alertmanager.yml')]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('SUCCESS');
  });

  it('alertmanager.yml sends to /webhooks/alertmanager with send_resolved and a bearer token', () => {
    const config = parse(read('alertmanager/alertmanager.yml')) as {
      route: { receiver: string };
      receivers: { name: string; webhook_configs: Record<string, unknown>[] }[];
    };
    const receiver = config.receivers.find((r) => r.name === config.route.receiver);
    const webhook = receiver?.webhook_configs[0];
    expect(webhook?.url).toMatch(/\/webhooks\/alertmanager$/);
    expect(webhook?.send_resolved).toBe(true);
    expect(webhook?.http_config).toMatchObject({ authorization: { type: 'Bearer' } });
  });

  it('the Grafana contact point posts to /webhooks/grafana with a bearer token and resolved messages', () => {
    const file = parse(read('grafana/apierr-contact-point.yml')) as {
      apiVersion: number;
      contactPoints: {
        name: string;
        receivers: { type: string; disableResolveMessage: boolean; settings: Record<string, string> }[];
      }[];
    };
    expect(file.apiVersion).toBe(1);
    const receiver = file.contactPoints[0]?.receivers[0];
    expect(receiver?.type).toBe('webhook');
    expect(receiver?.disableResolveMessage).toBe(false);
    expect(receiver?.settings.url).toMatch(/\/webhooks\/grafana$/);
    expect(receiver?.settings.authorization_scheme).toBe('Bearer');
  });
});
