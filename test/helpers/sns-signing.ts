/**
 * Signs SNS messages as Amazon SNS does (SignatureVersion 1: SHA1withRSA, 2: SHA256withRSA over the
 * canonical string), with a key and self-signed certificate made for the tests, and a fake certificate
 * port that serves that certificate for any SNS URL and records the subscriptions it confirms.
 */
import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type SnsPort, snsStringToSign } from '../../src/core/security/sns-signature.js';

const FIXTURES = new URL('../fixtures/sns/', import.meta.url);
export const SNS_TEST_KEY = readFileSync(new URL('test-signing-key.pem', FIXTURES), 'utf8');
export const SNS_TEST_CERT = readFileSync(new URL('test-signing-cert.pem', FIXTURES), 'utf8');
export const SNS_CERT_URL = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-test.pem';

export interface FakeSnsPort extends SnsPort {
  fetched: string[];
  confirmed: string[];
}

export function fakeSnsPort(pem: string = SNS_TEST_CERT): FakeSnsPort {
  const port: FakeSnsPort = {
    fetched: [],
    confirmed: [],
    async fetchCertificate(url) {
      port.fetched.push(url);
      return pem;
    },
    async confirmSubscription(url) {
      port.confirmed.push(url);
    },
  };
  return port;
}

/** The message with `SignatureVersion`, `SigningCertURL` and a valid `Signature` (over its fields as given). */
export function signSns(
  message: Record<string, unknown>,
  options: { version?: '1' | '2'; key?: string; certUrl?: string } = {},
): Record<string, unknown> {
  const version = options.version ?? '2';
  const signed = { ...message, SignatureVersion: version, SigningCertURL: options.certUrl ?? SNS_CERT_URL };
  const canonical = snsStringToSign(signed);
  if (canonical === undefined) throw new Error('message lacks signed fields');
  const signer = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
  signer.update(canonical, 'utf8');
  return { ...signed, Signature: signer.sign(options.key ?? SNS_TEST_KEY, 'base64') };
}

/** A CloudWatch alarm notification as SNS delivers it, stamped `at`. */
export function alarmNotification(
  at: number,
  alarm: Record<string, unknown> = {},
  topic = 'arn:aws:sns:eu-west-1:123456789012:alarms',
): Record<string, unknown> {
  return {
    Type: 'Notification',
    MessageId: `msg-${at}-${Math.random().toString(36).slice(2)}`,
    TopicArn: topic,
    Subject: 'ALARM: "checkout-5xx" in EU (Ireland)',
    Message: JSON.stringify({
      AlarmName: 'checkout-5xx',
      AlarmArn: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-5xx',
      AWSAccountId: '123456789012',
      NewStateValue: 'ALARM',
      NewStateReason: 'Threshold Crossed: 5XXError > 10',
      StateChangeTime: new Date(at).toISOString(),
      ...alarm,
    }),
    Timestamp: new Date(at).toISOString(),
    UnsubscribeURL: 'https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=x',
  };
}
