import { describe, expect, it } from 'vitest';
import type { Metrics, SlackMethod, SlackOutcome } from '../core/metrics.js';
import { noopMetrics } from '../core/metrics.js';
import type { Logger, SlackPort, SlackResult } from '../core/ports.js';
import { meteredSlack } from './metered.js';

function recorder() {
  const calls: { method: SlackMethod; outcome: SlackOutcome; seconds: number }[] = [];
  const waits: number[] = [];
  const metrics: Metrics = {
    ...noopMetrics,
    slackCall: (method, outcome, seconds) => calls.push({ method, outcome, seconds }),
    retryAfterWait: (seconds) => waits.push(seconds),
  };
  const lines: { fields: Record<string, unknown>; message: string }[] = [];
  const log = (fields: object, message: string) => lines.push({ fields: fields as Record<string, unknown>, message });
  const logger: Logger = { debug: log, info: log, warn: log, error: log };
  return { calls, waits, lines, metrics, logger };
}

function fakeSlack(result: SlackResult<unknown>): SlackPort {
  return {
    teamId: async () => 'T1',
    postMessage: async () => result as SlackResult<{ channel: string; ts: string }>,
    updateMessage: async () => result as SlackResult<void>,
    findMessage: async () => result as SlackResult<{ ts: string } | undefined>,
  };
}

const message = { channel: 'C1', text: 'secret alert text', blocks: [] };

describe('meteredSlack', () => {
  it('times each call by its Web API method and passes the result through unchanged', async () => {
    const r = recorder();
    let t = 0;
    const ok = { ok: true as const, value: { channel: 'C1', ts: '1.1' } };
    const slack = meteredSlack(fakeSlack(ok), { ...r, now: () => (t += 25) });
    expect(await slack.postMessage(message)).toBe(ok);
    await slack.updateMessage({ ...message, ts: '1.1' });
    await slack.findMessage({ channel: 'C1', key: 'k', since: 0 });
    await slack.findMessage({ channel: 'C1', key: 'k', threadTs: '1.1', since: 0 });
    expect(await slack.teamId()).toBe('T1');
    expect(r.calls).toEqual([
      { method: 'chat.postMessage', outcome: 'ok', seconds: 0.025 },
      { method: 'chat.update', outcome: 'ok', seconds: 0.025 },
      { method: 'conversations.history', outcome: 'ok', seconds: 0.025 },
      { method: 'conversations.replies', outcome: 'ok', seconds: 0.025 },
    ]);
  });

  it('classifies failures as the SlackPort did, and observes the Retry-After of a 429', async () => {
    const r = recorder();
    for (const failure of [
      { kind: 'rate_limited' as const, retryAfterMs: 30_000 },
      { kind: 'transient' as const, reason: 'HTTP 503' },
      { kind: 'permanent' as const, reason: 'channel_not_found' },
    ]) {
      await meteredSlack(fakeSlack({ ok: false, failure }), r).postMessage(message);
    }
    expect(r.calls.map((c) => c.outcome)).toEqual(['rate_limited', 'transient', 'permanent']);
    expect(r.waits).toEqual([30]);
  });

  it('logs one info line per call with method, outcome, milliseconds and the reason, never the message', async () => {
    const r = recorder();
    await meteredSlack(
      fakeSlack({ ok: false, failure: { kind: 'permanent', reason: 'not_in_channel' } }),
      r,
    ).postMessage(message);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]?.message).toBe('Slack call');
    expect(r.lines[0]?.fields).toMatchObject({
      method: 'chat.postMessage',
      outcome: 'permanent',
      reason: 'not_in_channel',
    });
    expect(JSON.stringify(r.lines)).not.toContain('secret alert text');
  });
});
