import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_RETRY, outcomeOf } from './deliver.js';

describe('retrying Slack deliveries', () => {
  it('waits exactly as long as Slack asked after a 429, without counting it against the attempt limit', () => {
    expect(outcomeOf({ kind: 'rate_limited', retryAfterMs: 30_000 }, 99, 1000, DEFAULT_RETRY)).toEqual({
      state: 'retry',
      at: 31_000,
      reason: 'rate limited by Slack',
      holdChannel: true,
    });
  });

  it('backs off exponentially with jitter after 5xx and network errors, within the cap', () => {
    const policy = { ...DEFAULT_RETRY, random: () => 1 };
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, policy))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelay(30, policy)).toBe(DEFAULT_RETRY.maxDelayMs);
    const low = { ...DEFAULT_RETRY, random: () => 0 };
    expect(backoffDelay(5, low)).toBe(DEFAULT_RETRY.baseDelayMs / 2);
  });

  it('gives up on a transient failure after the last attempt, with the reason', () => {
    const outcome = outcomeOf({ kind: 'transient', reason: 'HTTP 500' }, DEFAULT_RETRY.maxAttempts, 0, DEFAULT_RETRY);
    expect(outcome).toEqual({
      state: 'failed',
      reason: `gave up after ${DEFAULT_RETRY.maxAttempts} attempts: HTTP 500`,
    });
  });

  it('stops at once on a permanent error', () => {
    expect(outcomeOf({ kind: 'permanent', reason: 'channel_not_found' }, 1, 0, DEFAULT_RETRY)).toEqual({
      state: 'failed',
      reason: 'channel_not_found',
    });
  });
});
