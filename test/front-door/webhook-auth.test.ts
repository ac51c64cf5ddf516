/**
 * Who may send webhooks: per-source bearer tokens, Grafana's HMAC (with and without its timestamp
 * header), Standard Webhooks on /webhooks/generic, and sources that are open or closed.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, WEBHOOK_FIXTURES, webhookFixture } from '../helpers/app-harness.js';
import { appWith, grafanaSignature, manualClock, post, problemOf, standardSignature } from './harness.js';

let test: TestApp;
beforeAll(async () => {
  test = await startTestApp();
});
afterAll(async () => {
  await test?.close();
});

const vectors = JSON.parse(readFileSync(new URL('signatures.json', WEBHOOK_FIXTURES), 'utf8')).vectors as {
  source: string;
  secret: string;
  body?: string;
  headers: Record<string, string>;
}[];
const [grafanaPlain, grafanaTimed] = vectors.filter((v) => v.source === 'grafana');
const knownAnswer = vectors.find((v) => v.source === 'standard-webhooks' && v.body);
if (!grafanaPlain || !grafanaTimed || !knownAnswer?.body) throw new Error('signatures.json lacks its vectors');

const GRAFANA_SECRET = grafanaPlain.secret;
const grafanaBody = webhookFixture('grafana-firing.json');
const SIGNATURE = 'X-Grafana-Alerting-Signature';
const TIMESTAMP = 'X-Grafana-Alerting-Timestamp';
const signedAtMs = Number(grafanaTimed.headers[TIMESTAMP]) * 1000;

async function expectRefused(res: Response, field: string) {
  expect(res.status).toBe(401);
  const problem = await problemOf(res);
  expect(problem).toMatchObject({ status: 401, type: 'https://apierr.dev/problems/unauthorized' });
  expect(problem.errors?.[0]?.field).toBe(field);
}

describe('Grafana HMAC without a timestamp header', () => {
  const app = () => appWith(test, { GRAFANA_HMAC_SECRET: GRAFANA_SECRET });

  it('accepts the fixture with its known-answer signature', async () => {
    const res = await post(app(), '/webhooks/grafana', grafanaBody, {
      [SIGNATURE]: grafanaPlain.headers[SIGNATURE] ?? '',
    });
    expect(res.ok).toBe(true);
  });

  it('refuses a body changed after signing, naming the signature header', async () => {
    const res = await post(app(), '/webhooks/grafana', grafanaBody.replace('firing', 'resolved'), {
      [SIGNATURE]: grafanaPlain.headers[SIGNATURE] ?? '',
    });
    await expectRefused(res, SIGNATURE);
  });

  it('refuses a request without the signature, naming the header', async () => {
    await expectRefused(await post(app(), '/webhooks/grafana', grafanaBody), SIGNATURE);
  });

  it('reads the signature from the header GRAFANA_HMAC_HEADER names', async () => {
    const custom = appWith(test, {
      GRAFANA_HMAC_SECRET: GRAFANA_SECRET,
      GRAFANA_HMAC_HEADER: 'X-Grafana-Alert-Signature',
    });
    const signature = grafanaSignature(GRAFANA_SECRET, grafanaBody);
    expect((await post(custom, '/webhooks/grafana', grafanaBody, { 'X-Grafana-Alert-Signature': signature })).ok).toBe(
      true,
    );
    await expectRefused(
      await post(custom, '/webhooks/grafana', grafanaBody, { [SIGNATURE]: signature }),
      'X-Grafana-Alert-Signature',
    );
  });

  it('needs the bearer token too when one is configured for the source', async () => {
    const both = appWith(test, { GRAFANA_HMAC_SECRET: GRAFANA_SECRET, WEBHOOK_TOKEN_GRAFANA: 'grafana-token' });
    const signed = { [SIGNATURE]: grafanaSignature(GRAFANA_SECRET, grafanaBody) };
    await expectRefused(await post(both, '/webhooks/grafana', grafanaBody, signed), 'Authorization');
    const res = await post(both, '/webhooks/grafana', grafanaBody, {
      ...signed,
      authorization: 'Bearer grafana-token',
    });
    expect(res.ok).toBe(true);
  });
});

describe('Grafana HMAC with a timestamp header', () => {
  const env = { GRAFANA_HMAC_SECRET: GRAFANA_SECRET, GRAFANA_HMAC_TIMESTAMP_HEADER: TIMESTAMP };
  const timedHeaders = {
    [SIGNATURE]: grafanaTimed.headers[SIGNATURE] ?? '',
    [TIMESTAMP]: grafanaTimed.headers[TIMESTAMP] ?? '',
  };

  it('accepts the known-answer signature over "<ts>:<body>" within five minutes', async () => {
    const app = appWith(test, env, manualClock(signedAtMs + 4 * 60_000));
    expect((await post(app, '/webhooks/grafana', grafanaBody, timedHeaders)).ok).toBe(true);
  });

  it('refuses it once it is more than five minutes old, naming the timestamp header', async () => {
    const app = appWith(test, env, manualClock(signedAtMs + 6 * 60_000));
    await expectRefused(await post(app, '/webhooks/grafana', grafanaBody, timedHeaders), TIMESTAMP);
  });

  it('refuses a request without the timestamp, and a body-only signature', async () => {
    const app = appWith(test, env, manualClock(signedAtMs));
    await expectRefused(
      await post(app, '/webhooks/grafana', grafanaBody, { [SIGNATURE]: timedHeaders[SIGNATURE] }),
      TIMESTAMP,
    );
    await expectRefused(
      await post(app, '/webhooks/grafana', grafanaBody, {
        [SIGNATURE]: grafanaPlain.headers[SIGNATURE] ?? '',
        [TIMESTAMP]: timedHeaders[TIMESTAMP],
      }),
      SIGNATURE,
    );
  });
});

describe('Standard Webhooks on /webhooks/generic', () => {
  const SECRET = knownAnswer.secret;
  const env = { STANDARD_WEBHOOKS_SECRET: SECRET };

  it('verifies the published known-answer vector over the raw body (then finds the body is not an alert)', async () => {
    const at = Number(knownAnswer.headers['webhook-timestamp']) * 1000;
    const res = await post(
      appWith(test, env, manualClock(at)),
      '/webhooks/generic',
      knownAnswer.body ?? '',
      knownAnswer.headers,
    );
    // Past the signature: the shape check is what refuses it, naming the missing title.
    expect(res.status).toBe(422);
    expect((await problemOf(res)).errors?.[0]?.pointer).toBe('/title');
  });

  it('stores a signed alert under its webhook-id, and answers a redelivery (fresh timestamp, same id) as a duplicate', async () => {
    const app = appWith(test, env);
    const body = JSON.stringify({ title: 'Payments API 502 from the gateway', status_code: 502 });
    const send = () => {
      const ts = String(Math.floor(Date.now() / 1000));
      return post(app, '/webhooks/generic', body, {
        'webhook-id': 'msg_front_door_1',
        'webhook-timestamp': ts,
        'webhook-signature': `v1,bm90LXRoaXMtb25l ${standardSignature(SECRET, 'msg_front_door_1', ts, body)}`,
      });
    };
    const first = await send();
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({
      alerts: [{ dedupKey: 'generic:~h:msg_front_door_1', outcome: 'new' }],
    });
    const again = await send();
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'duplicate' });
  });

  it('refuses stale, missing and wrong signatures, naming the header at fault', async () => {
    const app = appWith(test, env);
    const body = JSON.stringify({ id: 'x', title: 'x' });
    const now = Math.floor(Date.now() / 1000);
    const headers = (ts: number, signature?: string) => ({
      'webhook-id': 'msg_x',
      'webhook-timestamp': String(ts),
      ...(signature === undefined ? {} : { 'webhook-signature': signature }),
    });
    const stale = now - 6 * 60;
    await expectRefused(
      await post(
        app,
        '/webhooks/generic',
        body,
        headers(stale, standardSignature(SECRET, 'msg_x', String(stale), body)),
      ),
      'webhook-timestamp',
    );
    await expectRefused(await post(app, '/webhooks/generic', body, headers(now)), 'webhook-signature');
    await expectRefused(
      await post(
        app,
        '/webhooks/generic',
        body,
        headers(
          now,
          standardSignature('whsec_dGVzdC1zdGFuZGFyZC13ZWJob29rcy1zZWNyZXQtMDE=', 'msg_x', String(now), body),
        ),
      ),
      'webhook-signature',
    );
    await expectRefused(await post(app, '/webhooks/generic', body, { authorization: 'Bearer anything' }), 'webhook-id');
  });
});

describe('per-source bearer tokens', () => {
  const app = () => appWith(test, { WEBHOOK_TOKEN: 'shared', WEBHOOK_TOKEN_GRAFANA: 'grafana-only' });
  const alertmanagerBody = webhookFixture('alertmanager-firing.json');

  it('lets a source with its own token in with that token only', async () => {
    await expectRefused(
      await post(app(), '/webhooks/grafana', grafanaBody, { authorization: 'Bearer shared' }),
      'Authorization',
    );
    expect((await post(app(), '/webhooks/grafana', grafanaBody, { authorization: 'Bearer grafana-only' })).ok).toBe(
      true,
    );
  });

  it('keeps the shared token for the other sources', async () => {
    expect((await post(app(), '/webhooks/alertmanager', alertmanagerBody, { authorization: 'Bearer shared' })).ok).toBe(
      true,
    );
    await expectRefused(
      await post(app(), '/webhooks/alertmanager', alertmanagerBody, { authorization: 'Bearer grafana-only' }),
      'Authorization',
    );
  });
});

describe('open and closed sources', () => {
  const generic = JSON.stringify({ id: 'open-door-1', title: 'Search API 503' });

  it('refuses every source with 401 when nothing is configured, saying how to open it', async () => {
    const app = appWith(test, {});
    for (const source of ['alertmanager', 'grafana', 'generic', 'datadog', 'sentry', 'pagerduty', 'opsgenie']) {
      const res = await post(app, `/webhooks/${source}`, generic, { authorization: 'Bearer guess' });
      expect(res.status).toBe(401);
      expect((await problemOf(res)).detail).toContain('WEBHOOKS_OPEN');
    }
    // CloudWatch is never closed: SNS signs every message, and that signature is always checked.
    await expectRefused(
      await post(app, '/webhooks/cloudwatch', generic, { authorization: 'Bearer guess' }),
      'Signature',
    );
  });

  it('accepts only the sources WEBHOOKS_OPEN names, without any secret', async () => {
    const app = appWith(test, { WEBHOOKS_OPEN: 'generic' });
    expect((await post(app, '/webhooks/generic', generic)).ok).toBe(true);
    await expectRefused(
      await post(app, '/webhooks/alertmanager', webhookFixture('alertmanager-firing.json')),
      'Authorization',
    );
  });

  it('does not open a source that has a secret, even with WEBHOOKS_OPEN=true', async () => {
    const app = appWith(test, { WEBHOOKS_OPEN: 'true', WEBHOOK_TOKEN_ALERTMANAGER: 'am' });
    await expectRefused(
      await post(app, '/webhooks/alertmanager', webhookFixture('alertmanager-firing.json')),
      'Authorization',
    );
    expect((await post(app, '/webhooks/generic', JSON.stringify({ id: 'open-door-2', title: 'x' }))).ok).toBe(true);
  });
});
