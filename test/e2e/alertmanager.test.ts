/**
 * A real Prometheus Alertmanager (Debian's prometheus-alertmanager) sends to the real apierr server, which
 * posts to the fake Slack Web API: alerts fire, repeat and resolve as they do in production.
 * Skipped only when the binary is absent outside CI; under CI (CI=true) a missing binary fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AlertmanagerAlert,
  type AlertmanagerHandle,
  alertmanagerBinary,
  INSTALL_HINT,
  startAlertmanager,
} from '../helpers/alertmanager.js';
import { ALERT_CHANNEL, blockText, startTestApp, type TestApp, WEBHOOK_TOKEN } from '../helpers/app-harness.js';
import { until } from '../helpers/wait.js';

const binary = alertmanagerBinary();
const inCI = Boolean(process.env.CI) && process.env.CI !== 'false';
if (!binary && !inCI) console.warn(`[alertmanager e2e] SKIPPED: ${INSTALL_HINT}`);

const alerts: AlertmanagerAlert[] = [
  {
    labels: { alertname: 'CheckoutRateLimited', service: 'checkout-api', severity: 'warning', status_code: '429' },
    annotations: {
      summary: 'Stripe answers 429 Too Many Requests',
      description: 'rate limit exceeded on POST /v1/charges',
    },
  },
  {
    labels: { alertname: 'PaymentsBadGateway', service: 'payments', severity: 'critical' },
    annotations: {
      summary: 'nginx returns 502 Bad Gateway',
      description: 'upstream prematurely closed connection while reading response header from upstream',
    },
  },
];

describe.skipIf(!binary && !inCI)('apierr behind a real Prometheus Alertmanager', () => {
  let app: TestApp;
  let am: AlertmanagerHandle;

  beforeAll(async () => {
    if (!binary) throw new Error(INSTALL_HINT);
    app = await startTestApp();
    am = await startAlertmanager({
      webhookUrl: `${app.url}/webhooks/alertmanager`,
      bearerToken: WEBHOOK_TOKEN,
      groupWait: '100ms',
      groupInterval: '500ms',
      // Re-send the unchanged groups about once a second, so the test sees Alertmanager's repeats.
      repeatInterval: '750ms',
    });
  });
  afterAll(async () => {
    await am?.stop();
    await app?.close();
  });

  const parents = () => app.slack.messages(ALERT_CHANNEL).filter((m) => !m.thread_ts);

  it('posts one parent per alert with its explanation in the thread, and nothing more when Alertmanager repeats', async () => {
    await am.pushAlerts(alerts);
    await until('two parents with explanations', () => {
      const posted = parents();
      return posted.length === 2 && posted.every((p) => app.slack.thread(ALERT_CHANNEL, p.ts).length === 1)
        ? posted
        : undefined;
    });
    const byTitle = (name: string) => parents().find((p) => blockText(p).includes(name));
    const throttled = byTitle('CheckoutRateLimited');
    const gateway = byTitle('PaymentsBadGateway');
    expect(blockText(throttled)).toContain('429 Too Many Requests');
    expect(blockText(app.slack.thread(ALERT_CHANNEL, gateway?.ts as string)[0])).toContain('502');

    // Wait until Alertmanager has re-sent both groups at least once more.
    await until('Alertmanager repeats', async () => {
      const rows = app.server.services.store;
      const a = await rows.getAlert(1);
      const b = await rows.getAlert(2);
      return (a?.repeatCount ?? 0) >= 1 && (b?.repeatCount ?? 0) >= 1 ? true : undefined;
    });
    await app.settle();
    expect(parents()).toHaveLength(2);
    for (const parent of parents()) expect(app.slack.thread(ALERT_CHANNEL, parent.ts)).toHaveLength(1);
  });

  it('edits each parent when its alert resolves and adds a note in its thread, never a new parent', async () => {
    await am.resolveAlerts(alerts);
    await until('both parents edited as resolved', () => {
      const edited = parents().filter((p) => p.edited && blockText(p).includes('Resolved'));
      return edited.length === 2 ? edited : undefined;
    });
    await app.settle();
    expect(parents()).toHaveLength(2);
    for (const parent of parents()) {
      const thread = app.slack.thread(ALERT_CHANNEL, parent.ts);
      expect(thread).toHaveLength(2);
      expect(blockText(thread[1])).toContain('Resolved');
    }
  });
});
