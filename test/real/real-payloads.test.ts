/**
 * The 53 real webhook bodies in ../shared/fixtures/real-payloads (written by the vendors or by other
 * projects), sent in the manifest's order through the real server to the fake Slack: each must give what
 * the manifest says (alerts and the title their parent shows, a duplicate, ignored, or a clean 4xx).
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeMrkdwn } from '../../src/core/messages/blocks.js';
import { ALERT_CHANNEL, startTestApp, type TestApp } from '../helpers/app-harness.js';

const ROOT = new URL('../../../shared/fixtures/real-payloads/', import.meta.url);
const available = existsSync(new URL('manifest.json', ROOT));

interface Payload {
  path: string;
  source: string;
  expect: 'alerts' | 'duplicate' | 'ignored' | 'unsupported';
  status?: 'firing' | 'resolved';
  alerts?: number;
  duplicates?: number;
  title?: string;
  resolves?: string;
}

const payloads: Payload[] = available
  ? (JSON.parse(readFileSync(new URL('manifest.json', ROOT), 'utf8')) as { payloads: Payload[] }).payloads
  : [];

let app: TestApp;
beforeAll(async () => {
  if (!available) return;
  // Many alerts of one pattern arrive here at once; keep each on its own parent, as the manifest counts them.
  app = await startTestApp({ start: { storm: { threshold: 10_000, windowMs: 60_000 } } });
});
afterAll(async () => {
  await app?.close();
});

const parents = () => app.slack.messages(ALERT_CHANNEL).filter((m) => !m.thread_ts);

describe.skipIf(!available)('real webhook deliveries of every source', () => {
  it('has the 53 payloads of all eight sources', () => {
    expect(payloads.length).toBeGreaterThanOrEqual(53);
    expect(new Set(payloads.map((p) => p.source)).size).toBe(8);
  });

  for (const payload of payloads) {
    it(`${payload.path}: ${payload.expect}${payload.title ? ` "${payload.title}"` : ''}`, async () => {
      const body = readFileSync(new URL(payload.path, ROOT), 'utf8');
      const headers: Record<string, string> =
        payload.source === 'cloudwatch' ? { 'content-type': 'text/plain; charset=UTF-8' } : {};
      const before = new Set(parents().map((m) => m.ts));
      const updatesBefore = app.slack.callsTo('chat.update').length;
      const res = await app.webhook(payload.source, body, headers);
      expect(res.status, await res.clone().text()).toBeLessThan(500);

      if (payload.expect === 'unsupported') {
        if (res.status >= 400) expect(res.headers.get('content-type')).toBe('application/problem+json');
        return;
      }
      const answer = (await res.json()) as { status: string; accepted: number; duplicates: number };
      await app.settle();
      const added = parents().filter((m) => !before.has(m.ts));

      if (payload.expect === 'ignored') {
        expect(res.status).toBe(200);
        expect(answer).toMatchObject({ status: 'ignored', accepted: 0 });
        expect(added).toHaveLength(0);
        return;
      }
      if (payload.expect === 'duplicate') {
        expect(res.status).toBe(200);
        expect(answer).toMatchObject({ status: 'duplicate', accepted: 0 });
        expect(added).toHaveLength(0);
        return;
      }

      expect(res.status).toBe(202);
      expect(answer.accepted).toBe(payload.alerts);
      expect(answer.duplicates).toBe(payload.duplicates ?? 0);
      const title = escapeMrkdwn(payload.title ?? '');
      if (payload.resolves) {
        // The resolve edits the parent its firing posted; it adds none.
        expect(added).toHaveLength(0);
        const updates = app.slack.callsTo('chat.update').slice(updatesBefore);
        expect(
          updates.some((u) => String(u.args.text).startsWith('Resolved') && String(u.args.text).includes(title)),
        ).toBe(true);
        return;
      }
      expect(added).toHaveLength(payload.alerts ?? 0);
      // A group may hold several alerts with their own names; the manifest's title is on one of the parents.
      const shown = added.find((parent) => (parent.text ?? '').includes(title));
      expect(shown, added.map((p) => p.text).join(' | ')).toBeDefined();
      expect(JSON.stringify(shown?.blocks)).toContain(title.slice(0, 100));
    });
  }
});
