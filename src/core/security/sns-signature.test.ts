import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  alarmNotification,
  fakeSnsPort,
  SNS_CERT_URL,
  SNS_TEST_CERT,
  signSns,
} from '../../../test/helpers/sns-signing.js';
import { encodeUtf8 } from './hmac.js';
import { snsCertificateUrl, snsStringToSign, verifySnsMessage } from './sns-signature.js';

const NOW = Date.parse('2026-06-10T09:00:00Z');
const scheme = { kind: 'sns', topics: [] } as const;
const bytes = (message: object) => encodeUtf8(JSON.stringify(message));

describe('SNS message signatures', () => {
  it('accepts SignatureVersion 1 (SHA1withRSA) and 2 (SHA256withRSA) with the certificate from SigningCertURL', async () => {
    const port = fakeSnsPort();
    for (const version of ['1', '2'] as const) {
      const signed = signSns(alarmNotification(NOW), { version });
      const result = await verifySnsMessage(scheme, bytes(signed), NOW, port);
      expect(result.ok).toBe(true);
    }
    expect(port.fetched).toEqual([SNS_CERT_URL, SNS_CERT_URL]);
  });

  it('caches the certificate: one fetch for many messages', async () => {
    const port = fakeSnsPort();
    for (let i = 0; i < 5; i++) {
      expect((await verifySnsMessage(scheme, bytes(signSns(alarmNotification(NOW))), NOW, port)).ok).toBe(true);
    }
    expect(port.fetched).toHaveLength(1);
  });

  it('accepts a PEM public key as well as a certificate', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const port = fakeSnsPort(publicKey.export({ type: 'spki', format: 'pem' }) as string);
    const signed = signSns(alarmNotification(NOW), {
      key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    });
    expect((await verifySnsMessage(scheme, bytes(signed), NOW, port)).ok).toBe(true);
  });

  it('refuses a message changed after signing, naming Signature', async () => {
    const signed = signSns(alarmNotification(NOW));
    const changed = { ...signed, Message: String(signed.Message).replace('ALARM', 'OK') };
    const result = await verifySnsMessage(scheme, bytes(changed), NOW, fakeSnsPort());
    expect(result).toMatchObject({ ok: false, failure: { header: 'Signature', reason: 'bad-signature' } });
  });

  it('refuses a message signed by another key', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const signed = signSns(alarmNotification(NOW), {
      key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    });
    const result = await verifySnsMessage(scheme, bytes(signed), NOW, fakeSnsPort());
    expect(result).toMatchObject({ ok: false, failure: { header: 'Signature' } });
  });

  it('never fetches a certificate from anywhere but an SNS host over https', async () => {
    const port = fakeSnsPort();
    for (const certUrl of [
      'https://evil.example/SimpleNotificationService.pem',
      'http://sns.eu-west-1.amazonaws.com/x.pem',
      'https://sns.eu-west-1.amazonaws.com.evil.example/x.pem',
      'https://sns.eu-west-1.amazonaws.com:8443/x.pem',
      'https://user@sns.eu-west-1.amazonaws.com/x.pem',
      'https://sns.eu-west-1.amazonaws.com/x.txt',
    ]) {
      const signed = signSns(alarmNotification(NOW), { certUrl });
      const result = await verifySnsMessage(scheme, bytes(signed), NOW, port);
      expect(result).toMatchObject({ ok: false, failure: { header: 'SigningCertURL' } });
      expect(snsCertificateUrl(certUrl)).toBeUndefined();
    }
    expect(port.fetched).toEqual([]);
    expect(snsCertificateUrl('https://sns.cn-north-1.amazonaws.com.cn/a.pem')).toBeDefined();
  });

  it('refuses a replay older than an hour, and a timestamp from the future', async () => {
    const signed = signSns(alarmNotification(NOW));
    const late = await verifySnsMessage(scheme, bytes(signed), NOW + 61 * 60_000, fakeSnsPort());
    expect(late).toMatchObject({ ok: false, failure: { header: 'Timestamp', reason: 'stale-timestamp' } });
    const early = await verifySnsMessage(scheme, bytes(signed), NOW - 10 * 60_000, fakeSnsPort());
    expect(early).toMatchObject({ ok: false, failure: { header: 'Timestamp' } });
  });

  it('accepts only the topics in SNS_TOPIC_ARNS when it lists some', async () => {
    const signed = signSns(alarmNotification(NOW, {}, 'arn:aws:sns:eu-west-1:999999999999:someone-elses'));
    const narrow = { kind: 'sns', topics: ['arn:aws:sns:eu-west-1:123456789012:alarms'] } as const;
    const result = await verifySnsMessage(narrow, bytes(signed), NOW, fakeSnsPort());
    expect(result).toMatchObject({ ok: false, failure: { header: 'TopicArn' } });
  });

  it('names the field at fault for a missing signature, an unknown version or a body that is not JSON', async () => {
    const unsigned = alarmNotification(NOW);
    expect(
      await verifySnsMessage(scheme, bytes({ ...unsigned, SignatureVersion: '2' }), NOW, fakeSnsPort()),
    ).toMatchObject({ ok: false, failure: { header: 'Signature' } });
    expect(
      await verifySnsMessage(scheme, bytes({ ...signSns(unsigned), SignatureVersion: '3' }), NOW, fakeSnsPort()),
    ).toMatchObject({ ok: false, failure: { header: 'SignatureVersion' } });
    expect(await verifySnsMessage(scheme, encodeUtf8('not json'), NOW, fakeSnsPort())).toMatchObject({ ok: false });
  });

  it('signs a null Subject as an absent one', () => {
    const base = { Type: 'Notification', Message: 'm', MessageId: 'i', Timestamp: 't', TopicArn: 'a' };
    expect(snsStringToSign({ ...base, Subject: null })).toBe(snsStringToSign(base));
  });

  it('builds the canonical string of a notification without a Subject and of a subscription confirmation', () => {
    expect(snsStringToSign({ Type: 'Notification', Message: 'm', MessageId: 'i', Timestamp: 't', TopicArn: 'a' })).toBe(
      'Message\nm\nMessageId\ni\nTimestamp\nt\nTopicArn\na\nType\nNotification\n',
    );
    expect(
      snsStringToSign({
        Type: 'SubscriptionConfirmation',
        Message: 'm',
        MessageId: 'i',
        SubscribeURL: 'u',
        Timestamp: 't',
        Token: 'k',
        TopicArn: 'a',
      }),
    ).toBe(
      'Message\nm\nMessageId\ni\nSubscribeURL\nu\nTimestamp\nt\nToken\nk\nTopicArn\na\nType\nSubscriptionConfirmation\n',
    );
  });

  it('reads the public key out of a real X.509 certificate', async () => {
    expect(SNS_TEST_CERT).toContain('BEGIN CERTIFICATE');
    const port = fakeSnsPort('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    const result = await verifySnsMessage(scheme, bytes(signSns(alarmNotification(NOW))), NOW, port);
    expect(result).toMatchObject({ ok: false, failure: { header: 'SigningCertURL' } });
  });
});
