import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeUtf8 } from './hmac.js';
import { verifyPagerDutySignature } from './pagerduty-signature.js';
import { verifySentrySignature } from './sentry-signature.js';

const FIXTURES = new URL('../../../test/fixtures/webhooks/', import.meta.url);
const vectors = JSON.parse(readFileSync(new URL('signatures.json', FIXTURES), 'utf8')).vectors as {
  source: string;
  file?: string;
  secret: string;
  headers: Record<string, string>;
}[];
const lookup = (headers: Record<string, string>) => (name: string) =>
  Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
const body = (file: string) => new Uint8Array(readFileSync(new URL(file, FIXTURES)));

describe("Sentry's Sentry-Hook-Signature", () => {
  const sentry = vectors.filter((v) => v.source === 'sentry' && v.file);

  it('accepts the known-answer vectors over the raw fixture bytes', async () => {
    expect(sentry.length).toBeGreaterThan(0);
    for (const v of sentry) {
      const scheme = { kind: 'sentry-hmac', secret: v.secret } as const;
      expect(await verifySentrySignature(scheme, lookup(v.headers), body(v.file as string))).toBeUndefined();
    }
  });

  it('refuses another secret, a changed body, and a missing header, naming the header', async () => {
    const v = sentry[0];
    if (!v?.file) throw new Error('no sentry vector');
    const scheme = { kind: 'sentry-hmac', secret: v.secret } as const;
    expect(await verifySentrySignature({ ...scheme, secret: 'other' }, lookup(v.headers), body(v.file))).toMatchObject({
      reason: 'bad-signature',
      header: 'Sentry-Hook-Signature',
    });
    const changed = encodeUtf8(`${new TextDecoder().decode(body(v.file))} `);
    expect(await verifySentrySignature(scheme, lookup(v.headers), changed)).toMatchObject({ reason: 'bad-signature' });
    expect(await verifySentrySignature(scheme, lookup({}), body(v.file))).toMatchObject({ reason: 'missing-header' });
  });
});

describe("PagerDuty's X-PagerDuty-Signature", () => {
  const v = vectors.find((x) => x.source === 'pagerduty' && x.file);
  if (!v?.file) throw new Error('no pagerduty vector');
  const scheme = { kind: 'pagerduty-hmac', secret: v.secret } as const;
  const signature = v.headers['X-PagerDuty-Signature'] as string;

  it('accepts the known-answer vector', async () => {
    expect(await verifyPagerDutySignature(scheme, lookup(v.headers), body(v.file as string))).toBeUndefined();
  });

  it('accepts any of several v1 signatures, as PagerDuty sends while a secret is rotated', async () => {
    const rotating = `v1=${'ab'.repeat(32)},${signature}`;
    const headers = { 'X-PagerDuty-Signature': rotating };
    expect(await verifyPagerDutySignature(scheme, lookup(headers), body(v.file as string))).toBeUndefined();
    const spaced = { 'X-PagerDuty-Signature': `${signature}, v1=${'cd'.repeat(32)}` };
    expect(await verifyPagerDutySignature(scheme, lookup(spaced), body(v.file as string))).toBeUndefined();
  });

  it('refuses a wrong secret, a header with no v1 entry, and a missing header', async () => {
    const file = body(v.file as string);
    expect(await verifyPagerDutySignature({ ...scheme, secret: 'x' }, lookup(v.headers), file)).toMatchObject({
      reason: 'bad-signature',
      header: 'X-PagerDuty-Signature',
    });
    expect(
      await verifyPagerDutySignature(
        scheme,
        lookup({ 'X-PagerDuty-Signature': signature.replace('v1=', 'v0=') }),
        file,
      ),
    ).toMatchObject({ reason: 'malformed-header' });
    expect(await verifyPagerDutySignature(scheme, lookup({}), file)).toMatchObject({ reason: 'missing-header' });
  });
});
