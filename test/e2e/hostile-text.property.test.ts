/**
 * The property behind "what apierr posts": whatever a sender or a Slack user writes, nothing apierr sends
 * to Slack can mention (`<!channel>`, `<!here>`, `<@U…>`, `<#C…>`) or forge a link. Hostile strings go
 * through every source's title, service, description, labels and URL, and through slash queries and the
 * Share button; then every recorded Slack call (and every slash command answer) is read field by field.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_CHANNEL, startTestApp, TEAM_ID, type TestApp } from '../helpers/app-harness.js';
import { sharePressPayload } from '../helpers/slack-signing.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const PIECES = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<!subteam^S123|oncall>',
  '<@U0123ABCD>',
  '<#C0123ABCD|general>',
  '<https://evil.example|Open in grafana>',
  '<mailto:x@evil.example|mail>',
  '|',
  '<',
  '>',
  '&',
  '&lt;',
  '&gt;!channel',
  '*bold*',
  '`code`',
  '\u202E',
  '\u200B',
  '\u2066',
  '\uFEFF',
  '\n',
  ' ',
  '429',
  'Too Many Requests',
  'ECONNREFUSED',
  'vs',
  'x',
];

/** Strings built from Slack's control sequences, bidi and zero-width characters, and ordinary text. */
const hostile = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 12 }).map((p) => p.join('')),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((s) => `${s}<!channel>`) },
);

/** URLs a payload might carry: well-formed with hostile parts, relative, other schemes, or noise. */
const hostileUrl = fc.oneof(
  hostile.map((h) => `https://a.example/x|y>${h}`),
  hostile.map((h) => `https://a.example/?q=${h}`),
  fc.constantFrom(
    'https://a.example/x|y><!channel>',
    'javascript:alert(1)',
    '?orgId=1',
    'https://ok.example/dashboard',
    'slack://channel?team=T1&id=C1',
  ),
  hostile,
);

const text = fc.record({
  title: hostile,
  service: hostile,
  description: hostile,
  label: hostile,
  url: hostileUrl,
});

type Fields = { title: string; service: string; description: string; label: string; url: string };

let n = 0;
/** One webhook body per source carrying `f` wherever that source reads text, service, labels and links. */
function bodies(f: Fields, id: string): Record<string, { body: unknown; headers?: Record<string, string> }> {
  const at = new Date().toISOString();
  const amAlert = {
    status: 'firing',
    labels: { alertname: f.title, service: f.service, severity: f.label, team: f.label },
    annotations: { summary: f.description, description: f.description },
    startsAt: at,
    generatorURL: f.url,
    fingerprint: `fp${id}`,
  };
  return {
    generic: {
      body: {
        id,
        title: f.title,
        message: f.description,
        service: f.service,
        severity: f.label,
        labels: { k: f.label },
      },
    },
    genericWithUrl: {
      body: { id: `${id}u`, title: f.title, message: f.description, service: f.service, url: f.url },
    },
    alertmanager: { body: { version: '4', status: 'firing', alerts: [amAlert] } },
    grafana: {
      body: {
        orgId: 1,
        status: 'firing',
        alerts: [{ ...amAlert, fingerprint: `g${id}`, panelURL: f.url, valueString: f.label }],
      },
    },
    datadog: {
      body: {
        id,
        alert_title: f.title,
        body: f.description,
        alert_transition: 'Triggered',
        alert_cycle_key: `cycle-${id}`,
        alert_priority: f.label,
        tags: `service:${f.service},team:${f.label}`,
        link: f.url,
      },
    },
    sentry: {
      body: {
        action: 'triggered',
        data: {
          event: {
            issue_id: `issue-${id}`,
            title: f.title,
            message: f.description,
            culprit: f.label,
            level: f.label,
            web_url: f.url,
            tags: [['service', f.service]],
          },
        },
      },
    },
    pagerduty: {
      body: {
        event: {
          event_type: 'incident.triggered',
          occurred_at: at,
          data: {
            type: 'incident',
            id: `P${id}`,
            title: f.title,
            html_url: f.url,
            urgency: f.label,
            service: { summary: f.service },
            priority: { summary: f.label },
          },
        },
      },
    },
    opsgenie: {
      body: {
        action: 'Create',
        alert: {
          alertId: `og-${id}`,
          message: f.title,
          description: f.description,
          entity: f.service,
          priority: f.label,
          tags: [f.label],
          details: { service: f.service, note: f.label },
        },
      },
    },
    cloudwatch: {
      headers: { 'content-type': 'text/plain; charset=UTF-8' },
      body: {
        Type: 'Notification',
        MessageId: `m-${id}`,
        TopicArn: 'arn:aws:sns:eu-west-1:123456789012:alarms',
        Message: JSON.stringify({
          AlarmName: f.title,
          AlarmArn: `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:a${id}`,
          AlarmDescription: f.description,
          NewStateValue: 'ALARM',
          NewStateReason: f.label,
          Trigger: { MetricName: f.label, Namespace: f.label, Dimensions: [{ name: 'ServiceName', value: f.service }] },
        }),
        Timestamp: at,
      },
    },
  };
}

/** A well-formed link apierr wrote: an http(s) URL with no <, >, | or space, then a label with no <, > or |. */
const OWN_LINK = /<https?:\/\/[^\s<>|]+\|[^<>|]*>/g;

/** Everything Slack reads as mrkdwn or text in a call, as strings (the message metadata is not shown). */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) if (key !== 'metadata') strings(v, out);
  }
  return out;
}

function expectNoControlSequences(where: string, value: unknown): void {
  for (const s of strings(value)) {
    expect(s, `${where}: ${s}`).not.toMatch(/<[!@#]/);
    const rest = s.replace(OWN_LINK, '');
    expect(rest, `${where}: unbalanced or foreign <...> in ${s}`).not.toMatch(/[<>]/);
  }
}

const RUNS = Number(process.env.HOSTILE_RUNS ?? 12);

describe('hostile text never becomes a mention or a link in Slack', () => {
  it('through every source: title, service, description, labels and URL', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(text, async (f) => {
        const id = `h${++n}`;
        for (const [name, { body, headers }] of Object.entries(bodies(f, id))) {
          const source = name === 'genericWithUrl' ? 'generic' : name;
          const res = await app.webhook(source, JSON.stringify(body), headers ?? {});
          expect(res.status, `${source}: ${await res.clone().text()}`).toBeLessThan(500);
        }
        await app.settle();
        for (const call of app.slack.calls) expectNoControlSequences(call.method, call.args);
      }),
      { numRuns: RUNS },
    );
    // The property looked at real posts: parents, explanations (and any storm digest).
    expect(app.slack.messages(ALERT_CHANNEL).length).toBeGreaterThan(RUNS);
  });

  it('through slash queries, their answers and the Share button', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (query) => {
        const res = await app.slash(query);
        expect(res.status).toBeLessThan(500);
        const answer = (await res.json()) as { blocks?: { type: string; elements?: { value?: string }[] }[] };
        expectNoControlSequences('slash answer', answer);
        const share = answer.blocks?.find((b) => b.type === 'actions')?.elements?.[0]?.value;
        for (const value of [share, query]) {
          if (value === undefined) continue;
          const responseId = `share-${++n}`;
          await app.action(sharePressPayload({ team: TEAM_ID, responseUrl: app.slack.responseUrl(responseId), value }));
          const shared = await app.slack.waitFor((c) => c.responseId === responseId, 5000);
          expectNoControlSequences('share', shared.args);
        }
      }),
      { numRuns: RUNS * 2 },
    );
  });
});
