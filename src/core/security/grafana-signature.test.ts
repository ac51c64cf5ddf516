import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type GrafanaHmacScheme, verifyGrafanaSignature } from './grafana-signature.js';

const fixtures = new URL('../../../test/fixtures/webhooks/', import.meta.url);
const body = new Uint8Array(readFileSync(new URL('grafana-firing.json', fixtures)));
const vectors = JSON.parse(readFileSync(new URL('signatures.json', fixtures), 'utf8')).vectors as {
  source: string;
  mode?: string;
  secret: string;
  headers: Record<string, string>;
}[];
const [plain, timed] = vectors.filter((v) => v.source === 'grafana');
if (!plain || !timed) throw new Error('signatures.json lacks the two Grafana vectors');

const lookup = (headers: Record<string, string>) => (name: string) =>
  Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];

const scheme = (timestampHeader?: string): GrafanaHmacScheme => ({
  kind: 'grafana-hmac',
  secret: plain.secret,
  header: 'X-Grafana-Alerting-Signature',
  timestampHeader,
});
const signedAt = Number(timed.headers['X-Grafana-Alerting-Timestamp']) * 1000;

describe('Grafana webhook HMAC', () => {
  it('accepts the known-answer signature over the raw body when no timestamp header is configured', async () => {
    expect(await verifyGrafanaSignature(scheme(), lookup(plain.headers), body, Date.now())).toBeUndefined();
  });

  it('accepts the known-answer signature over "<ts>:<body>" when a timestamp header is configured', async () => {
    const s = scheme('X-Grafana-Alerting-Timestamp');
    expect(await verifyGrafanaSignature(s, lookup(timed.headers), body, signedAt + 60_000)).toBeUndefined();
  });

  it('refuses a body changed by one byte, naming the signature header', async () => {
    const changed = body.slice();
    changed[10] = (changed[10] ?? 0) ^ 1;
    expect(await verifyGrafanaSignature(scheme(), lookup(plain.headers), changed, 0)).toMatchObject({
      reason: 'bad-signature',
      header: 'X-Grafana-Alerting-Signature',
    });
  });

  it('refuses a signature made with another secret', async () => {
    const s = { ...scheme(), secret: 'another-secret' };
    expect((await verifyGrafanaSignature(s, lookup(plain.headers), body, 0))?.reason).toBe('bad-signature');
  });

  it('refuses a missing signature header, naming it', async () => {
    expect(await verifyGrafanaSignature(scheme(), lookup({}), body, 0)).toMatchObject({
      reason: 'missing-header',
      header: 'X-Grafana-Alerting-Signature',
    });
  });

  it('refuses a signed timestamp more than five minutes away, either way', async () => {
    const s = scheme('X-Grafana-Alerting-Timestamp');
    for (const now of [signedAt + 5 * 60_000 + 1000, signedAt - 5 * 60_000 - 1000]) {
      expect(await verifyGrafanaSignature(s, lookup(timed.headers), body, now)).toMatchObject({
        reason: 'stale-timestamp',
        header: 'X-Grafana-Alerting-Timestamp',
      });
    }
  });

  it('refuses a missing or non-numeric timestamp when one is configured', async () => {
    const s = scheme('X-Grafana-Alerting-Timestamp');
    const noTs = { 'X-Grafana-Alerting-Signature': timed.headers['X-Grafana-Alerting-Signature'] ?? '' };
    expect((await verifyGrafanaSignature(s, lookup(noTs), body, signedAt))?.reason).toBe('missing-header');
    const words = { ...timed.headers, 'X-Grafana-Alerting-Timestamp': 'yesterday' };
    expect((await verifyGrafanaSignature(s, lookup(words), body, signedAt))?.reason).toBe('malformed-header');
  });

  it('refuses the body-only signature once a timestamp header is configured (the timestamp is signed too)', async () => {
    const s = scheme('X-Grafana-Alerting-Timestamp');
    const headers = { ...plain.headers, 'X-Grafana-Alerting-Timestamp': String(signedAt / 1000) };
    expect((await verifyGrafanaSignature(s, lookup(headers), body, signedAt))?.reason).toBe('bad-signature');
  });
});
