/**
 * Property-based tests of the front door: thousands of generated bad (and some good) requests against the
 * real app (the real server's services: SQLite store, Bolt's receiver, the outbox), through
 * `app.request()`. Whatever arrives: never a 5xx, never a crash; every error is problem+json with type,
 * title and status (and a JSON pointer for body errors); and every alert a 2xx answer names is stored.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_NAMES } from '../../src/core/alerts/sources/index.js';
import { SIGNING_SECRET, startTestApp, type TestApp, WEBHOOK_TOKEN, webhookFixture } from '../helpers/app-harness.js';
import { appWith, type FrontDoorApp, grafanaSignature, standardSignature, storedDedupKeys } from './harness.js';

const STANDARD_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const GRAFANA_SECRET = 'test-grafana-hmac-secret';

let test: TestApp;
let tokenApp: FrontDoorApp;
let signedApp: FrontDoorApp;
/** Dedup keys that 2xx answers said were stored; checked against the SQLite file after each property. */
const promised = new Set<string>();

beforeAll(async () => {
  test = await startTestApp();
  // No rate limit here: these properties hammer one sender; the limit has its own tests.
  tokenApp = appWith(test, { WEBHOOK_TOKEN, WEBHOOK_RATE_LIMIT: '0' });
  signedApp = appWith(test, {
    WEBHOOK_TOKEN,
    GRAFANA_HMAC_SECRET: GRAFANA_SECRET,
    GRAFANA_HMAC_TIMESTAMP_HEADER: 'X-Grafana-Alerting-Timestamp',
    STANDARD_WEBHOOKS_SECRET: STANDARD_SECRET,
    WEBHOOK_RATE_LIMIT: '0',
  });
});
afterAll(async () => {
  await test?.close();
});

/** Statuses seen by the property running now: each checks that it reached past the front door too. */
let seen = new Map<number, number>();
function statuses(): number[] {
  const found = [...seen.keys()].sort();
  seen = new Map();
  return found;
}

/** The invariants every answer keeps, whatever was sent. */
async function checkAnswer(res: Response, kind: 'webhook' | 'slack'): Promise<void> {
  seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
  expect(res.status, 'never a 5xx').toBeLessThan(500);
  if (res.status >= 400) {
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await res.json()) as {
      type?: unknown;
      title?: unknown;
      status?: unknown;
      errors?: { pointer?: unknown }[];
    };
    expect(typeof problem.type).toBe('string');
    expect(typeof problem.title).toBe('string');
    expect(problem.status).toBe(res.status);
    expect(JSON.stringify(problem)).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
    if (res.status === 400 || res.status === 422) expect(typeof problem.errors?.[0]?.pointer).toBe('string');
    return;
  }
  if (kind === 'webhook') {
    const receipt = (await res.json()) as { alerts: { dedupKey: string }[] };
    for (const alert of receipt.alerts) promised.add(alert.dedupKey);
  } else {
    await res.arrayBuffer();
  }
}

function expectNothingLost(): void {
  const stored = storedDedupKeys(test.dbPath);
  const lost = [...promised].filter((key) => !stored.has(key));
  expect(lost).toEqual([]);
}

const RUNS = {
  bytes: 300,
  json: 400,
  fixtures: 500,
  headers: 300,
  slackForms: 250,
  slackPayloads: 250,
  slackEvents: 250,
  tcp: 200,
};
const TIME = { timeout: 120_000 };

const source = fc.constantFrom(...SOURCE_NAMES);
const contentType = fc.oneof(
  fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/cloudevents+json'),
  fc.constantFrom('application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', ''),
  fc.stringMatching(/^[\x20-\x7e]{0,40}$/),
);
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,120}$/);

const FIXTURES: Record<string, string> = {
  alertmanager: webhookFixture('alertmanager-firing.json'),
  grafana: webhookFixture('grafana-firing.json'),
  datadog: webhookFixture('datadog-firing.json'),
  sentry: webhookFixture('sentry-firing.json'),
  pagerduty: webhookFixture('pagerduty-firing.json'),
  cloudwatch: webhookFixture('cloudwatch-sns-firing.json'),
  opsgenie: webhookFixture('opsgenie-firing.json'),
  generic: JSON.stringify({
    id: 'prop-generic',
    title: 'Checkout API throttled',
    message: 'POST /v1/charges returned 429',
    status_code: 429,
    labels: { team: 'payments' },
  }),
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value inside `value`, the root included. */
function paths(value: Json, at: (string | number)[] = []): (string | number)[][] {
  const here = [at];
  if (Array.isArray(value)) return here.concat(...value.map((v, i) => paths(v, [...at, i])));
  if (value !== null && typeof value === 'object')
    return here.concat(...Object.entries(value).map(([k, v]) => paths(v, [...at, k])));
  return here;
}

type Mutation = { kind: 'delete' } | { kind: 'replace'; value: Json } | { kind: 'suffix'; text: string };

function mutate(root: Json, path: (string | number)[], mutation: Mutation): Json {
  if (path.length === 0) return mutation.kind === 'replace' ? mutation.value : mutation.kind === 'delete' ? null : root;
  const copy = structuredClone(root);
  let parent = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const last = path[path.length - 1] as string | number;
  if (mutation.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (mutation.kind === 'replace') {
    parent[last] = mutation.value;
  } else if (typeof parent[last] === 'string') {
    // A changed string: a new id, a new status word, a label that is not a status code.
    parent[last] = `${parent[last]}${mutation.text}`;
  }
  return copy;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ kind: 'delete' }),
  fc.jsonValue({ maxDepth: 2 }).map((value): Mutation => ({ kind: 'replace', value: value as Json })),
  fc.string({ maxLength: 12 }).map((text): Mutation => ({ kind: 'suffix', text })),
);

function webhook(app: FrontDoorApp, name: string, body: string | Uint8Array, headers: Record<string, string>) {
  return Promise.resolve(app.request(`/webhooks/${name}`, { method: 'POST', headers, body }));
}

describe('webhook bodies', () => {
  it('answers arbitrary bytes, for every source, with a 4xx problem or a stored receipt', TIME, async () => {
    await fc.assert(
      fc.asyncProperty(source, fc.uint8Array({ maxLength: 4096 }), contentType, async (name, bytes, type) => {
        const res = await webhook(tokenApp, name, bytes, {
          authorization: `Bearer ${WEBHOOK_TOKEN}`,
          'content-type': type,
        });
        await checkAnswer(res, 'webhook');
      }),
      { numRuns: RUNS.bytes },
    );
    expect(statuses()).toEqual(expect.arrayContaining([400, 415]));
    expectNothingLost();
  });

  it('answers arbitrary JSON, for every source, without a 5xx and names the field of a wrong shape', TIME, async () => {
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 5 }),
      // Objects that look a little like each source, so the parsers get past their first check.
      fc.record(
        {
          id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
          title: fc.oneof(fc.string(), fc.integer()),
          status: fc.constantFrom('firing', 'resolved', 'ok', 'alerting', 1),
          alerts: fc.array(
            fc.dictionary(
              fc.constantFrom('status', 'labels', 'annotations', 'startsAt', 'fingerprint'),
              fc.jsonValue({ maxDepth: 2 }),
            ),
            { maxLength: 3 },
          ),
          labels: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 })),
          status_code: fc.oneof(fc.integer(), fc.double(), fc.string()),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(source, body, async (name, value) => {
        const res = await webhook(tokenApp, name, JSON.stringify(value) ?? 'null', {
          authorization: `Bearer ${WEBHOOK_TOKEN}`,
          'content-type': 'application/json',
        });
        await checkAnswer(res, 'webhook');
      }),
      { numRuns: RUNS.json },
    );
    expect(statuses()).toEqual(expect.arrayContaining([422]));
    expectNothingLost();
  });

  it('answers mutated real payloads of every source, and stores every alert it accepts', TIME, async () => {
    const sourceAndMutation = source.chain((name) => {
      const root = JSON.parse(FIXTURES[name] ?? 'null') as Json;
      const all = paths(root);
      return fc.tuple(
        fc.constant(name),
        fc.constant(root),
        fc.array(fc.tuple(fc.nat(all.length - 1), mutation), { minLength: 1, maxLength: 3 }),
      );
    });
    await fc.assert(
      fc.asyncProperty(sourceAndMutation, async ([name, root, steps]) => {
        let value = root;
        for (const [index, step] of steps) {
          const all = paths(value);
          value = mutate(value, all[index % all.length] ?? [], step);
        }
        const headers: Record<string, string> = {
          authorization: `Bearer ${WEBHOOK_TOKEN}`,
          'content-type': name === 'cloudwatch' ? 'text/plain; charset=UTF-8' : 'application/json',
        };
        if (name === 'sentry') headers['sentry-hook-resource'] = 'event_alert';
        await checkAnswer(await webhook(tokenApp, name, JSON.stringify(value), headers), 'webhook');
      }),
      { numRuns: RUNS.fixtures },
    );
    const reached = statuses();
    expect(reached).toEqual(expect.arrayContaining([422]));
    // Some payload got through: stored (202), or a duplicate of one stored earlier in the run (200).
    expect(reached.some((status) => status === 200 || status === 202)).toBe(true);
    expectNothingLost();
  });

  it('survives bodies nested far deeper than any sender nests them', async () => {
    for (const name of SOURCE_NAMES) {
      for (const body of [
        `${'['.repeat(50_000)}${']'.repeat(50_000)}`,
        `{"alerts":[${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}],"title":"x","id":"deep"}`,
        `{"title":"deep","id":"deep-${name}","labels":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`,
      ]) {
        const res = await webhook(tokenApp, name, body, {
          authorization: `Bearer ${WEBHOOK_TOKEN}`,
          'content-type': 'application/json',
        });
        await checkAnswer(res, 'webhook');
      }
    }
  });
});

describe('over TCP, through @hono/node-server', () => {
  it('answers arbitrary bytes, paths and headers on the real server without a 5xx', TIME, async () => {
    const request = fc.record({
      path: fc.oneof(
        source.map((name) => `/webhooks/${name}`),
        fc.constantFrom('/slack/events', '/api/explain', '/api/stats', '/healthz', '/webhooks/', '/nope'),
      ),
      method: fc.constantFrom('POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH'),
      bytes: fc.uint8Array({ maxLength: 2048 }),
      contentType,
      authorization: fc.oneof(fc.constant(`Bearer ${WEBHOOK_TOKEN}`), headerValue),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const res = await fetch(`${test.url}${r.path}`, {
          method: r.method,
          headers: { 'content-type': r.contentType, authorization: r.authorization },
          ...(r.method === 'GET' ? {} : { body: r.bytes }),
        });
        await checkAnswer(res, r.path.startsWith('/webhooks/') ? 'webhook' : 'slack');
      }),
      { numRuns: RUNS.tcp },
    );
    expect(statuses()).toEqual(expect.arrayContaining([401, 405]));
    expectNothingLost();
  });
});

describe('webhook headers', () => {
  it('answers arbitrary authorization, content type and signature headers without a 5xx', TIME, async () => {
    const now = () => Math.floor(Date.now() / 1000);
    const timestamp = fc.oneof(
      fc.constant('now'),
      fc.integer({ min: -1_000_000, max: 1_000_000 }).map((skew) => String(now() + skew)),
      headerValue,
    );
    const signedBody = fc.oneof(fc.constant(FIXTURES.generic ?? ''), fc.constant(FIXTURES.grafana ?? ''), fc.json());
    const request = fc.record({
      name: fc.constantFrom('grafana', 'generic', 'alertmanager'),
      body: signedBody,
      authorization: fc.oneof(
        fc.constant(`Bearer ${WEBHOOK_TOKEN}`),
        fc.constant(undefined),
        headerValue,
        headerValue.map((t) => `Bearer ${t}`),
      ),
      contentType,
      timestamp,
      // Sign correctly, sign something else, or send noise: every branch of the checks gets exercised.
      signing: fc.constantFrom('correct', 'wrong-secret', 'noise', 'absent'),
      noise: headerValue,
      webhookId: fc.oneof(fc.constant('msg_prop'), headerValue),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const ts = r.timestamp === 'now' ? String(now()) : r.timestamp;
        const headers: Record<string, string> = { 'content-type': r.contentType };
        if (r.authorization !== undefined) headers.authorization = r.authorization;
        if (r.signing !== 'absent') {
          const grafana =
            r.signing === 'noise'
              ? r.noise
              : grafanaSignature(r.signing === 'correct' ? GRAFANA_SECRET : 'other', r.body, ts);
          const standard =
            r.signing === 'noise'
              ? r.noise
              : standardSignature(
                  r.signing === 'correct' ? STANDARD_SECRET : 'whsec_dGVzdC1zdGFuZGFyZC13ZWJob29rcy1zZWNyZXQtMDE=',
                  r.webhookId,
                  ts,
                  r.body,
                );
          Object.assign(headers, {
            'x-grafana-alerting-signature': grafana,
            'x-grafana-alerting-timestamp': ts,
            'webhook-id': r.webhookId,
            'webhook-timestamp': ts,
            'webhook-signature': standard,
          });
        }
        await checkAnswer(await webhook(signedApp, r.name, r.body, headers), 'webhook');
      }),
      {
        numRuns: RUNS.headers,
        // Correctly signed requests are rare among random draws: these make sure the accepting branch, a wrong
        // content type and a missing token are reached in every run, so the checks below do not depend on luck.
        examples: (
          [
            ['generic', 'application/json', `Bearer ${WEBHOOK_TOKEN}`],
            ['grafana', 'application/json', `Bearer ${WEBHOOK_TOKEN}`],
            ['generic', 'application/xml', `Bearer ${WEBHOOK_TOKEN}`],
            ['generic', 'application/json', undefined],
          ] as const
        ).map(
          ([name, contentType, authorization]) =>
            [
              {
                name,
                body: FIXTURES[name] ?? '',
                authorization,
                contentType,
                timestamp: 'now',
                signing: 'correct' as const,
                noise: '',
                webhookId: 'msg_prop',
              },
            ] as [
              {
                name: 'generic' | 'grafana';
                body: string;
                authorization: string | undefined;
                contentType: string;
                timestamp: string;
                signing: 'correct';
                noise: string;
                webhookId: string;
              },
            ],
        ),
      },
    );
    const reached = statuses();
    expect(reached).toEqual(expect.arrayContaining([401, 415]));
    // Some request got through: stored (202), or a duplicate of one stored earlier in the run (200).
    expect(reached.some((status) => status === 200 || status === 202)).toBe(true);
    expectNothingLost();
  });
});

describe('Slack requests, correctly signed', () => {
  const slack = (body: string, type: string) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    return Promise.resolve(
      tokenApp.request('/slack/events', {
        method: 'POST',
        headers: { 'content-type': type, 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature },
        body,
      }),
    );
  };
  const form = (fields: [string, string][]) => new URLSearchParams(fields).toString();
  const text = fc.string({ maxLength: 40 });

  it('answers form bodies with random fields (slash commands among them) without a 5xx', TIME, async () => {
    const field = fc.oneof(
      fc.tuple(
        fc.constantFrom('command', 'text', 'team_id', 'user_id', 'channel_id', 'trigger_id', 'ssl_check', 'token'),
        text,
      ),
      fc.tuple(fc.constant('command'), fc.constantFrom('/apierr', '/other')),
      fc.tuple(text, text),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(field, { maxLength: 8 }), contentType, async (fields, type) => {
        await checkAnswer(await slack(form(fields), type || 'application/x-www-form-urlencoded'), 'slack');
      }),
      { numRuns: RUNS.slackForms },
    );
    expect(statuses()).toEqual(expect.arrayContaining([200, 404]));
  });

  it('answers interactivity forms with random payload JSON without a 5xx', TIME, async () => {
    const payload = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'),
      fc.string({ maxLength: 60 }),
      fc
        .record(
          {
            type: fc.constantFrom(
              'block_actions',
              'message_action',
              'shortcut',
              'view_submission',
              'interactive_message',
              'x',
            ),
            team: fc.oneof(fc.record({ id: text }), fc.jsonValue({ maxDepth: 1 })),
            user: fc.oneof(fc.record({ id: text, team_id: text }), fc.jsonValue({ maxDepth: 1 })),
            container: fc.record({ channel_id: text, message_ts: text }, { requiredKeys: [] }),
            actions: fc.array(
              fc.record(
                {
                  action_id: fc.constantFrom('apierr_fixed:1', 'apierr_share', 'other', ''),
                  type: fc.constantFrom('button', 'static_select'),
                  value: text,
                },
                { requiredKeys: [] },
              ),
              { maxLength: 2 },
            ),
            trigger_id: text,
          },
          { requiredKeys: ['type'] },
        )
        .map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(payload, async (p) => {
        await checkAnswer(await slack(form([['payload', p]]), 'application/x-www-form-urlencoded'), 'slack');
      }),
      {
        numRuns: RUNS.slackPayloads,
        // Fixed examples reach the acknowledging and the malformed branches in every run, not by chance.
        examples: [
          [
            JSON.stringify({
              type: 'block_actions',
              actions: [{ action_id: 'apierr_share', type: 'button', value: '429' }],
            }),
          ],
          ['{not json'],
        ],
      },
    );
    expect(statuses()).toEqual(expect.arrayContaining([200, 400]));
  });

  it('answers random Events API envelopes without a 5xx', TIME, async () => {
    const event = fc.oneof(
      fc.record(
        {
          type: fc.constantFrom('reaction_added', 'reaction_removed', 'message', 'app_mention', 'x'),
          user: text,
          reaction: fc.constantFrom('one', 'two', 'white_check_mark', 'x'),
          item: fc.oneof(
            fc.record({ type: fc.constantFrom('message', 'file'), channel: text, ts: text }, { requiredKeys: [] }),
            fc.jsonValue({ maxDepth: 1 }),
          ),
          event_ts: text,
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const envelope = fc.oneof(
      fc.record(
        {
          type: fc.constantFrom('event_callback', 'url_verification', 'app_rate_limited', 'x'),
          team_id: fc.oneof(fc.constant('T0123ABCD45'), text),
          api_app_id: text,
          event,
          event_id: text,
          event_time: fc.integer(),
          challenge: text,
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue({ maxDepth: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(envelope, async (value) => {
        await checkAnswer(await slack(JSON.stringify(value) ?? 'null', 'application/json'), 'slack');
      }),
      { numRuns: RUNS.slackEvents },
    );
    expect(statuses()).toEqual(expect.arrayContaining([200, 404]));
  });
});
