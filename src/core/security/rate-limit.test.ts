import { describe, expect, it } from 'vitest';
import { createRateLimiter, type RateLimitPolicy } from './rate-limit.js';

const policy: RateLimitPolicy = { name: 'webhooks', limit: 60, windowSeconds: 60 };

describe('the per-sender token bucket', () => {
  it('lets a full quota through at once, then refuses with the seconds until the next request is allowed', () => {
    const limiter = createRateLimiter();
    const decisions = Array.from({ length: 60 }, () => limiter.take('a', 0, policy));
    expect(decisions.every((d) => d.allowed)).toBe(true);
    expect(decisions.at(-1)).toMatchObject({ remaining: 0, resetSeconds: 60 });
    expect(limiter.take('a', 0, policy)).toMatchObject({ allowed: false, remaining: 0, resetSeconds: 1 });
  });

  it('refills at limit per window, so a refused sender is let in again after Retry-After', () => {
    const limiter = createRateLimiter();
    for (let i = 0; i < 60; i++) limiter.take('a', 0, policy);
    expect(limiter.take('a', 500, policy).allowed).toBe(false);
    expect(limiter.take('a', 1000, policy).allowed).toBe(true);
    expect(limiter.take('a', 1000, policy).allowed).toBe(false);
    expect(limiter.take('a', 61_000, policy)).toMatchObject({ allowed: true, remaining: 59 });
  });

  it('keeps senders apart', () => {
    const limiter = createRateLimiter();
    for (let i = 0; i < 60; i++) limiter.take('a', 0, policy);
    expect(limiter.take('a', 0, policy).allowed).toBe(false);
    expect(limiter.take('b', 0, policy)).toMatchObject({ allowed: true, remaining: 59 });
  });

  it('does not mint tokens when the clock steps back', () => {
    const limiter = createRateLimiter();
    for (let i = 0; i < 60; i++) limiter.take('a', 10_000, policy);
    expect(limiter.take('a', 0, policy).allowed).toBe(false);
    expect(limiter.take('a', 10_500, policy).allowed).toBe(false);
  });

  it('forgets senders whose quota has refilled and never tracks more than maxKeys', () => {
    const limiter = createRateLimiter({ maxKeys: 100 });
    for (let i = 0; i < 1000; i++) limiter.take(`sender-${i}`, 0, policy);
    expect(limiter.size()).toBe(100);
    // A minute later every bucket is full again: each request sweeps idle ones away.
    for (let i = 0; i < 60; i++) limiter.take('late', 120_000, policy);
    expect(limiter.size()).toBeLessThan(100);
  });

  it('keeps a refused sender refused however many other senders arrive after it', () => {
    const limiter = createRateLimiter({ maxKeys: 100 });
    for (let i = 0; i < 60; i++) limiter.take('abuser', 0, policy);
    expect(limiter.take('abuser', 0, policy).allowed).toBe(false);
    for (let i = 0; i < 10_000; i++) limiter.take(`other-${i}`, 0, policy);
    expect(limiter.size()).toBeLessThanOrEqual(100);
    expect(limiter.take('abuser', 0, policy).allowed).toBe(false);
  });

  it('peeks without taking', () => {
    const limiter = createRateLimiter();
    expect(limiter.peek('a', 0, policy)).toMatchObject({ allowed: true, remaining: 60 });
    for (let i = 0; i < 60; i++) limiter.take('a', 0, policy);
    expect(limiter.peek('a', 0, policy)).toMatchObject({ allowed: false, resetSeconds: 1 });
    expect(limiter.peek('a', 0, policy)).toMatchObject({ allowed: false });
  });
});
