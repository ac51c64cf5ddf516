/**
 * Sentry's and PagerDuty's HMAC signatures and Amazon SNS's RSA signatures through the real app, and the
 * rules around them: Sentry and SNS cannot send a bearer token, so the shared WEBHOOK_TOKEN is not asked
 * of them; a signed SNS subscription is confirmed by apierr itself; Standard Webhooks ids come only from
 * signed input.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, WEBHOOK_FIXTURES, webhookFixture } from '../helpers/app-harness.js';
import { alarmNotification, fakeSnsPort, signSns } from '../helpers/sns-signing.js';
import { appWith, manualClock, post, problemOf, standardSignature } from './harness.js';

let test: TestApp;
beforeAll(async () => {
  test = await startTestApp();
});
afterAll(async () => {
  await test?.close();
});

const vectors = JSON.parse(readFileSync(new URL('signatures.json', WEBHOOK_FIXTURES), 'utf8')).vectors as {
  source: string;
  file?: string;
  secret: string;
  headers: Record<string, string>;
}[];
const sentryVector = vectors.find((v) => v.source === 'sentry' && v.file === 'sentry-firing.json');
const pagerdutyVector = vectors.find((v) => v.source === 'pagerduty' && v.file);
if (!sentryVector?.file || !pagerdutyVector?.file) throw new Error('signatures.json lacks its vectors');
/** The vector's headers without Content-Type, which `post` sets (two would make a list). */
const signed = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'content-type'));

async function expectRefused(res: Response, field: string) {
  expect(res.status).toBe(401);
  expect((await problemOf(res)).errors?.[0]?.field).toBe(field);
}

/** An app configured by `env` with a fake SNS port (certificates made by the tests) and a manual clock. */
function app(env: Record<string, string>, clock = manualClock(Date.now())) {
  const sns = fakeSnsPort();
  return { app: appWith(test, env, clock, { sns }), sns, clock };
}

describe('Sentry (Sentry-Hook-Signature)', () => {
  const body = webhookFixture(sentryVector.file as string);
  const env = { WEBHOOK_TOKEN: 'shared', SENTRY_CLIENT_SECRET: sentryVector.secret };

  it('accepts the known-answer vector without a bearer token, which Sentry cannot send', async () => {
    const res = await post(app(env).app, '/webhooks/sentry', body, signed(sentryVector.headers));
    expect(res.status).toBeLessThan(300);
  });

  it('refuses a missing or wrong signature, naming the header', async () => {
    await expectRefused(await post(app(env).app, '/webhooks/sentry', body), 'Sentry-Hook-Signature');
    const forged = { ...signed(sentryVector.headers), 'Sentry-Hook-Signature': 'ab'.repeat(32) };
    await expectRefused(await post(app(env).app, '/webhooks/sentry', body, forged), 'Sentry-Hook-Signature');
  });

  it('accepts a relay that presents the bearer token instead, and refuses a wrong one', async () => {
    expect((await post(app(env).app, '/webhooks/sentry', body, { authorization: 'Bearer shared' })).ok).toBe(true);
    await expectRefused(
      await post(app(env).app, '/webhooks/sentry', body, { authorization: 'Bearer wrong' }),
      'Authorization',
    );
  });
});

describe('PagerDuty v3 (X-PagerDuty-Signature)', () => {
  const body = webhookFixture(pagerdutyVector.file as string);
  const env = { PAGERDUTY_WEBHOOK_SECRET: pagerdutyVector.secret };

  it('accepts the known-answer vector, also among other v1 signatures during a secret rotation', async () => {
    const signature = pagerdutyVector.headers['X-PagerDuty-Signature'] as string;
    expect((await post(app(env).app, '/webhooks/pagerduty', body, signed(pagerdutyVector.headers))).ok).toBe(true);
    const rotating = { 'X-PagerDuty-Signature': `v1=${'00'.repeat(32)},${signature}` };
    expect((await post(app(env).app, '/webhooks/pagerduty', body, rotating)).ok).toBe(true);
  });

  it('refuses a body changed after signing', async () => {
    await expectRefused(
      await post(
        app(env).app,
        '/webhooks/pagerduty',
        body.replace('triggered', 'resolved'),
        signed(pagerdutyVector.headers),
      ),
      'X-PagerDuty-Signature',
    );
  });
});

describe('CloudWatch over SNS', () => {
  const sns = { 'content-type': 'text/plain; charset=UTF-8' };

  it('accepts a signed alarm without WEBHOOKS_OPEN, even with WEBHOOK_TOKEN set', async () => {
    const { app: a, clock } = app({ WEBHOOK_TOKEN: 'shared' });
    const message = signSns(
      alarmNotification(clock.now(), {
        AlarmName: 'sns-signed-1',
        AlarmArn: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:sns-signed-1',
      }),
    );
    const res = await post(a, '/webhooks/cloudwatch', JSON.stringify(message), sns);
    expect(res.status).toBe(202);
  });

  it('refuses an unsigned or forged message, naming the field', async () => {
    const { app: a, clock } = app({ WEBHOOK_TOKEN: 'shared' });
    await expectRefused(
      await post(a, '/webhooks/cloudwatch', JSON.stringify(alarmNotification(clock.now())), sns),
      'Signature',
    );
    const signed = signSns(alarmNotification(clock.now()));
    const forged = { ...signed, Message: String(signed.Message).replace('ALARM', 'OK') };
    await expectRefused(await post(a, '/webhooks/cloudwatch', JSON.stringify(forged), sns), 'Signature');
  });

  it('confirms a signed subscription itself, and only a signed one', async () => {
    const { app: a, sns: port, clock } = app({});
    const confirmation = {
      Type: 'SubscriptionConfirmation',
      MessageId: 'confirm-1',
      Token: 'token-1',
      TopicArn: 'arn:aws:sns:eu-west-1:123456789012:alarms',
      Message: 'You have chosen to subscribe to the topic.',
      SubscribeURL:
        'https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:eu-west-1:123456789012:alarms&Token=token-1',
      Timestamp: new Date(clock.now()).toISOString(),
    };
    const res = await post(a, '/webhooks/cloudwatch', JSON.stringify(signSns(confirmation)), sns);
    expect(res.status).toBe(200);
    expect(port.confirmed).toEqual([confirmation.SubscribeURL]);

    // A forged confirmation (unsigned, let in only by the bearer token) is logged for the operator, never followed.
    const relay = app({ WEBHOOK_TOKEN: 'shared' });
    const unsigned = await post(relay.app, '/webhooks/cloudwatch', JSON.stringify(confirmation), {
      ...sns,
      authorization: 'Bearer shared',
    });
    expect(unsigned.status).toBe(200);
    expect(relay.sns.confirmed).toEqual([]);
  });

  it('accepts only the topics in SNS_TOPIC_ARNS when it is set', async () => {
    const { app: a, clock } = app({ SNS_TOPIC_ARNS: 'arn:aws:sns:eu-west-1:123456789012:alarms' });
    const other = signSns(alarmNotification(clock.now(), {}, 'arn:aws:sns:eu-west-1:999999999999:not-ours'));
    await expectRefused(await post(a, '/webhooks/cloudwatch', JSON.stringify(other), sns), 'TopicArn');
  });

  it('takes WEBHOOKS_OPEN=cloudwatch at its word even with WEBHOOK_TOKEN set: no signature, no token', async () => {
    const { app: a, clock } = app({ WEBHOOK_TOKEN: 'shared', WEBHOOKS_OPEN: 'cloudwatch' });
    const unsigned = alarmNotification(clock.now(), {
      AlarmName: 'opened-cloudwatch',
      AlarmArn: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:opened-cloudwatch',
    });
    expect((await post(a, '/webhooks/cloudwatch', JSON.stringify(unsigned), sns)).status).toBe(202);
  });

  it('refuses a replay of a signed message older than an hour', async () => {
    const clock = manualClock(Date.now());
    const { app: a } = app({}, clock);
    const message = JSON.stringify(signSns(alarmNotification(clock.now())));
    clock.advance(61 * 60_000);
    await expectRefused(await post(a, '/webhooks/cloudwatch', message, sns), 'Timestamp');
  });
});

describe('ids of a signed Standard Webhooks request', () => {
  const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

  it('come from the signed webhook-id, never from an unsigned Idempotency-Key', async () => {
    const a = appWith(test, { STANDARD_WEBHOOKS_SECRET: SECRET });
    const body = JSON.stringify({ title: 'Orders API 502', status: 'resolved' });
    const send = (id: string, idempotencyKey: string) => {
      const ts = String(Math.floor(Date.now() / 1000));
      return post(a, '/webhooks/generic', body, {
        'webhook-id': id,
        'webhook-timestamp': ts,
        'webhook-signature': standardSignature(SECRET, id, ts, body),
        'idempotency-key': idempotencyKey,
      });
    };
    const first = await send('msg_signed_ids_1', 'someone-elses-alert');
    expect(await first.json()).toMatchObject({ alerts: [{ dedupKey: 'generic:~h:msg_signed_ids_1' }] });
    // The same signed message replayed with another Idempotency-Key is still the same alert.
    const replay = await send('msg_signed_ids_1', 'another-key');
    expect(await replay.json()).toMatchObject({ status: 'duplicate' });
  });
});
