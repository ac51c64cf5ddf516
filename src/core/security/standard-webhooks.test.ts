import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeUtf8 } from './hmac.js';
import {
  parseStandardWebhooksSecret,
  type StandardWebhooksScheme,
  verifyStandardWebhook,
} from './standard-webhooks.js';

// FORMATS.md 1.8: the published known-answer vector of the Standard Webhooks / Svix libraries.
const KNOWN = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: '1614265330',
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const at = Number(KNOWN.timestamp) * 1000;

const scheme = (secret = KNOWN.secret): StandardWebhooksScheme => {
  const key = parseStandardWebhooksSecret(secret);
  if (!key) throw new Error(`bad test secret ${secret}`);
  return { kind: 'standard-webhooks', key };
};
const headers =
  (overrides: Record<string, string | undefined> = {}) =>
  (name: string) =>
    ({
      'webhook-id': KNOWN.id,
      'webhook-timestamp': KNOWN.timestamp,
      'webhook-signature': KNOWN.signature,
      ...overrides,
    })[name];

describe('Standard Webhooks verification', () => {
  it('accepts the published known-answer vector', async () => {
    expect(await verifyStandardWebhook(scheme(), headers(), encodeUtf8(KNOWN.body), at)).toBeUndefined();
  });

  it('accepts the fixture vector over the exact bytes of standardwebhooks-firing.json', async () => {
    const fixtures = new URL('../../../test/fixtures/webhooks/', import.meta.url);
    const vector = (
      JSON.parse(readFileSync(new URL('signatures.json', fixtures), 'utf8')).vectors as {
        source: string;
        file: string | null;
        secret: string;
        headers: Record<string, string>;
      }[]
    ).find((v) => v.source === 'standard-webhooks' && v.file);
    if (!vector?.file) throw new Error('signatures.json lacks the Standard Webhooks fixture vector');
    const body = new Uint8Array(readFileSync(new URL(vector.file, fixtures)));
    const lookup = (name: string) => vector.headers[name];
    const now = Number(vector.headers['webhook-timestamp']) * 1000;
    expect(await verifyStandardWebhook(scheme(vector.secret), lookup, body, now)).toBeUndefined();
  });

  it('accepts when any one of several listed signatures matches (secret rotation), ignoring other versions', async () => {
    const list = `v1a,c29tZXRoaW5nIGVsc2U= v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= ${KNOWN.signature}`;
    const lookup = headers({ 'webhook-signature': list });
    expect(await verifyStandardWebhook(scheme(), lookup, encodeUtf8(KNOWN.body), at)).toBeUndefined();
  });

  it('refuses a changed body, a changed id and a changed timestamp, naming webhook-signature', async () => {
    const cases = [
      [headers(), `${KNOWN.body} `],
      [headers({ 'webhook-id': 'msg_other' }), KNOWN.body],
      [headers({ 'webhook-timestamp': String(Number(KNOWN.timestamp) + 1) }), KNOWN.body],
    ] as const;
    for (const [lookup, body] of cases) {
      expect(await verifyStandardWebhook(scheme(), lookup, encodeUtf8(body), at)).toMatchObject({
        reason: 'bad-signature',
        header: 'webhook-signature',
      });
    }
  });

  it('refuses a timestamp more than five minutes from now', async () => {
    for (const now of [at + 301_000, at - 301_000]) {
      expect(await verifyStandardWebhook(scheme(), headers(), encodeUtf8(KNOWN.body), now)).toMatchObject({
        reason: 'stale-timestamp',
        header: 'webhook-timestamp',
      });
    }
    expect(await verifyStandardWebhook(scheme(), headers(), encodeUtf8(KNOWN.body), at + 299_000)).toBeUndefined();
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])(
    'refuses a request without %s, naming it',
    async (name) => {
      expect(
        await verifyStandardWebhook(scheme(), headers({ [name]: undefined }), encodeUtf8(KNOWN.body), at),
      ).toMatchObject({
        reason: 'missing-header',
        header: name,
      });
    },
  );

  it('refuses signatures that are not base64 or not v1', async () => {
    for (const signature of ['v1,not base64!', 'v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=', 'g0hM9SsE']) {
      const lookup = headers({ 'webhook-signature': signature });
      expect((await verifyStandardWebhook(scheme(), lookup, encodeUtf8(KNOWN.body), at))?.reason).toBe('bad-signature');
    }
  });

  it('reads secrets with or without the whsec_ prefix, and refuses keys that are not base64 or too short', () => {
    expect(parseStandardWebhooksSecret(KNOWN.secret)).toHaveLength(24);
    expect(parseStandardWebhooksSecret(KNOWN.secret.slice('whsec_'.length))).toHaveLength(24);
    expect(parseStandardWebhooksSecret('whsec_short')).toBeUndefined();
    expect(parseStandardWebhooksSecret('whsec_not*base64*at*all*but*long*enough*')).toBeUndefined();
    expect(parseStandardWebhooksSecret(`whsec_${btoa('x'.repeat(16))}`)).toBeUndefined();
  });
});
