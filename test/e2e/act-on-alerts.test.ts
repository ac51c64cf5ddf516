/**
 * Acting on alerts from Slack, through the real server, Slack's requests signed as Slack signs them and the
 * fake Slack Web API: Acknowledge / take over / Unacknowledge on any alert, and "Silence…" / "Expire silence"
 * against a real Prometheus Alertmanager (Debian's package) for alerts that came from it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AlertmanagerAlert,
  type AlertmanagerHandle,
  alertmanagerBinary,
  INSTALL_HINT,
  startAlertmanager,
} from '../helpers/alertmanager.js';
import {
  ALERT_CHANNEL,
  blockText,
  startTestApp,
  TEAM_ID,
  type TestApp,
  WEBHOOK_TOKEN,
} from '../helpers/app-harness.js';
import type { FakeMessage } from '../helpers/fake-slack.js';
import { freePort, until } from '../helpers/wait.js';

interface Element {
  type: string;
  action_id: string;
  value?: string;
  options?: { value: string; text: { text: string } }[];
}

/** The controls under a message, by action id. */
function controls(message: FakeMessage | undefined): Map<string, Element> {
  const blocks = (message?.blocks ?? []) as { type: string; elements?: Element[] }[];
  return new Map(
    blocks.filter((b) => b.type === 'actions').flatMap((b) => (b.elements ?? []).map((e) => [e.action_id, e] as const)),
  );
}

function press(
  app: TestApp,
  message: FakeMessage,
  action: { action_id: string; value?: string; selected?: string },
  user = { id: 'U04ONCALL9Z', name: 'dana' },
  team = TEAM_ID,
) {
  return app.action({
    type: 'block_actions',
    user: { id: user.id, username: user.name, name: user.name, team_id: team },
    team: { id: team, domain: 'example-corp' },
    api_app_id: 'A07BOT12345',
    container: {
      type: 'message',
      message_ts: message.ts,
      channel_id: ALERT_CHANNEL,
      is_ephemeral: false,
      ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
    },
    channel: { id: ALERT_CHANNEL },
    message: { ts: message.ts, ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}) },
    response_url: app.slack.responseUrl(`press-${action.action_id}-${user.id}`),
    trigger_id: `${Date.now()}.2.4`,
    actions: [
      action.selected !== undefined
        ? {
            type: 'static_select',
            action_id: action.action_id,
            block_id: 'alert-controls',
            selected_option: { value: action.selected, text: { type: 'plain_text', text: action.selected } },
            action_ts: '2',
          }
        : {
            type: 'button',
            action_id: action.action_id,
            block_id: 'alert-controls',
            value: action.value,
            action_ts: '2',
          },
    ],
  });
}

describe('Acknowledge from the alert message', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ start: { storm: { threshold: 1000, windowMs: 60_000 } } });
  });
  afterAll(async () => {
    await app?.close();
  });

  const parentOf = (title: string) =>
    app.slack.messages(ALERT_CHANNEL).find((m) => !m.thread_ts && blockText(m).includes(title));
  const notes = (parent: FakeMessage) =>
    app.slack
      .thread(ALERT_CHANNEL, parent.ts)
      .slice(1)
      .map((m) => blockText(m));

  it('shows who holds the alert, lets another person take it over, and gives it back', async () => {
    const res = await app.webhook('generic', {
      id: 'ack-1',
      title: 'Checkout 502s',
      message: 'nginx answers 502 Bad Gateway',
      status_code: 502,
      service: 'checkout',
    });
    expect(res.status).toBe(202);
    await app.settle();
    const parent = parentOf('Checkout 502s') as FakeMessage;
    const ack = controls(parent).get('apierr_ack');
    expect(ack).toBeDefined();
    // Not an Alertmanager alert: no silence control.
    expect(controls(parent).has('apierr_silence')).toBe(false);

    expect((await press(app, parent, { action_id: 'apierr_ack', value: ack?.value })).status).toBe(200);
    await until('the parent edited', () =>
      blockText(parentOf('Checkout 502s')).includes('Acknowledged by <@U04ONCALL9Z>'),
    );
    await until('the note', () => notes(parent).some((n) => n.includes('<@U04ONCALL9Z> acknowledged this alert')));
    expect(controls(parentOf('Checkout 502s')).has('apierr_unack')).toBe(true);

    await press(app, parent, { action_id: 'apierr_ack', value: ack?.value }, { id: 'U05SECOND1', name: 'sam' });
    await until('the takeover', () =>
      notes(parent).some((n) => n.includes('<@U05SECOND1> took this alert over from <@U04ONCALL9Z>')),
    );
    expect(blockText(parentOf('Checkout 502s'))).toContain('Acknowledged by <@U05SECOND1>');

    await press(app, parent, { action_id: 'apierr_unack', value: ack?.value }, { id: 'U05SECOND1', name: 'sam' });
    await until('the parent back to unacknowledged', () => controls(parentOf('Checkout 502s')).has('apierr_ack'));
    expect(blockText(parentOf('Checkout 502s'))).not.toContain('Acknowledged by');
    expect(notes(parent).some((n) => n.includes('unacknowledged'))).toBe(true);

    const stats = (await (await app.api('/api/stats')).json()) as {
      entries: { id: string; ackMedianSeconds: number | null }[];
      actions: { kind: string; user: string }[];
    };
    expect(typeof stats.entries.find((e) => e.id === 'http-502')?.ackMedianSeconds).toBe('number');
    expect(stats.actions.map((a) => a.kind)).toEqual(['unack', 'takeover', 'ack']);
  });

  it('refuses a press from another workspace, privately, and changes nothing', async () => {
    await app.webhook('generic', { id: 'ack-2', title: 'Orders 503s', status_code: 503 });
    await app.settle();
    const parent = parentOf('Orders 503s') as FakeMessage;
    const value = controls(parent).get('apierr_ack')?.value;
    await press(app, parent, { action_id: 'apierr_ack', value }, { id: 'U09STRANGER', name: 'eve' }, 'T09OTHERTEAM');
    const reply = await until('the refusal', () => app.slack.responses('press-apierr_ack-U09STRANGER')[0]);
    expect(String(reply.args.text)).toMatch(/workspace/);
    expect(blockText(parentOf('Orders 503s'))).not.toContain('Acknowledged by');
  });
});

const binary = alertmanagerBinary();
const inCI = Boolean(process.env.CI) && process.env.CI !== 'false';
if (!binary && !inCI) console.warn(`[silence e2e] SKIPPED: ${INSTALL_HINT}`);

describe.skipIf(!binary && !inCI)('Silence in a real Prometheus Alertmanager', () => {
  let app: TestApp;
  let am: AlertmanagerHandle;
  const alert: AlertmanagerAlert = {
    labels: { alertname: 'CheckoutRateLimited', service: 'checkout-api', severity: 'warning', status_code: '429' },
    annotations: { summary: 'Stripe answers 429 Too Many Requests' },
  };

  beforeAll(async () => {
    if (!binary) throw new Error(INSTALL_HINT);
    // apierr's port is chosen first, so that Alertmanager can be told where to send and apierr where to silence.
    const port = await freePort();
    am = await startAlertmanager({
      webhookUrl: `http://127.0.0.1:${port}/webhooks/alertmanager`,
      bearerToken: WEBHOOK_TOKEN,
      groupWait: '100ms',
      groupInterval: '300ms',
      repeatInterval: '500ms',
    });
    app = await startTestApp({ env: { PORT: String(port), ALERTMANAGER_URL: am.url } });
  });
  afterAll(async () => {
    await am?.stop();
    await app?.close();
  });

  const parent = () =>
    app.slack.messages(ALERT_CHANNEL).find((m) => !m.thread_ts && blockText(m).includes('CheckoutRateLimited'));

  it('creates the silence with the alert labels and the user, stops the re-sends, and expires it', async () => {
    await am.pushAlerts([alert]);
    const posted = await until('the parent', () =>
      parent() && controls(parent()).has('apierr_silence') ? parent() : undefined,
    );
    const silence = controls(posted).get('apierr_silence');
    expect(silence?.options?.map((o) => o.text.text)).toEqual([
      'Silence for 1 h',
      'Silence for 4 h',
      'Silence for 24 h',
    ]);
    const fourHours = silence?.options?.find((o) => o.text.text.includes('4 h'))?.value as string;

    // A double click makes one silence.
    await Promise.all([
      press(app, posted, { action_id: 'apierr_silence', selected: fourHours }),
      press(app, posted, { action_id: 'apierr_silence', selected: fourHours }),
    ]);
    const active = await until('an active silence', async () => {
      const silences = (await (await fetch(`${am.url}/api/v2/silences`)).json()) as {
        id: string;
        status: { state: string };
        createdBy: string;
        comment: string;
        matchers: { name: string; value: string; isEqual: boolean; isRegex: boolean }[];
        startsAt: string;
        endsAt: string;
      }[];
      const live = silences.filter((s) => s.status.state === 'active');
      return live.length > 0 ? live : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(active).toHaveLength(1);
    const [made] = active;
    expect(made?.createdBy).toContain('U04ONCALL9Z');
    expect(made?.createdBy).toContain('dana');
    expect(made?.comment).toContain(`https://slack.com/archives/${ALERT_CHANNEL}/p`);
    expect(made?.matchers.sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      Object.entries(alert.labels)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => ({ name, value, isEqual: true, isRegex: false })),
    );
    const hours = (Date.parse(made?.endsAt as string) - Date.parse(made?.startsAt as string)) / 3_600_000;
    expect(Math.round(hours)).toBe(4);

    const note = await until('the thread note', () =>
      app.slack.thread(ALERT_CHANNEL, posted.ts).find((m) => blockText(m).includes('Silenced in Alertmanager for 4 h')),
    );
    expect(blockText(note)).toMatch(/by <@U04ONCALL9Z> until \d\d:\d\d UTC/);
    await until('the parent shows the silence', () => blockText(parent()).includes('Silenced in Alertmanager until'));
    expect(app.slack.responses('press-apierr_silence-U04ONCALL9Z').map((r) => String(r.args.text))).toEqual([
      expect.stringMatching(/already silenced|being created/),
    ]);

    // Alertmanager marks the alert silenced and stops re-sending it.
    await until('Alertmanager reports it silenced', async () =>
      (await am.getAlerts()).some(
        (a) => a.status.state === 'suppressed' && a.status.silencedBy.includes(made?.id as string),
      ),
    );
    const repeats = async () => (await app.server.services.store.getAlert(1))?.repeatCount ?? 0;
    const before = await repeats();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await repeats()).toBe(before);

    // Expire it from the note.
    const expire = controls(note).get('apierr_expire_silence');
    await press(app, note, { action_id: 'apierr_expire_silence', value: expire?.value });
    await until('the silence expired', async () => {
      const silences = (await (await fetch(`${am.url}/api/v2/silence/${made?.id}`)).json()) as {
        status: { state: string };
      };
      return silences.status.state === 'expired';
    });
    await until('the expiry note', () =>
      app.slack.thread(ALERT_CHANNEL, posted.ts).some((m) => blockText(m).includes('expired the silence')),
    );
    const stats = (await (await app.api('/api/stats')).json()) as { actions: { kind: string; silence_id: string }[] };
    expect(stats.actions.slice(0, 2)).toEqual([
      expect.objectContaining({ kind: 'expire', silence_id: made?.id }),
      expect.objectContaining({ kind: 'silence', silence_id: made?.id }),
    ]);
  });

  it('tells the person who pressed when Alertmanager is down, and notes nothing', async () => {
    await am.stop();
    const posted = parent() as FakeMessage;
    const threadBefore = app.slack.thread(ALERT_CHANNEL, posted.ts).length;
    const value = controls(posted).get('apierr_silence')?.options?.[0]?.value as string;
    await press(app, posted, { action_id: 'apierr_silence', selected: value }, { id: 'U05SECOND1', name: 'sam' });
    const reply = await until('the private error', () => app.slack.responses('press-apierr_silence-U05SECOND1')[0]);
    expect(String(reply.args.text)).toMatch(/could not be reached/);
    expect(reply.args.response_type).toBe('ephemeral');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(app.slack.thread(ALERT_CHANNEL, posted.ts)).toHaveLength(threadBefore);
  });
});
