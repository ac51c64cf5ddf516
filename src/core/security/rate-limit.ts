/**
 * A per-sender token bucket: each sender may send `limit` requests per `windowSeconds` on average, in
 * bursts of up to `limit`. The caller passes the time, so tests step a clock instead of sleeping.
 *
 * A token bucket rather than a fixed window: a refused sender is told to come back when one request's
 * worth has refilled (a second or two at the default), not at the end of a minute, so an alert storm
 * that brushes the limit is slowed, not stalled.
 * @module
 * @example
 * const limiter = createRateLimiter();
 * const decision = limiter.take('grafana:token:ab12', clock.now(), { name: 'webhooks', limit: 1200, windowSeconds: 60 });
 * if (!decision.allowed) answer429(decision.retryAfterSeconds);
 */

export interface RateLimitPolicy {
  /** The policy's name in the `RateLimit` and `RateLimit-Policy` headers. */
  name: string;
  /** Requests per window; the bucket's size. */
  limit: number;
  windowSeconds: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  policy: RateLimitPolicy;
  /** Whole requests the sender may still send right now. */
  remaining: number;
  /**
   * Seconds until the quota is whole again when allowed; when refused, seconds until the next request
   * will be accepted (which is also `Retry-After`).
   */
  resetSeconds: number;
}

export interface RateLimiter {
  /** Synchronous in memory; a promise when the count lives in a shared store. */
  take(key: string, nowMs: number, policy: RateLimitPolicy): RateLimitDecision | Promise<RateLimitDecision>;
  /** Senders currently tracked (for tests of the memory bound). */
  size(): number;
}

/** The in-memory limiter answers at once. */
export interface MemoryRateLimiter extends RateLimiter {
  take(key: string, nowMs: number, policy: RateLimitPolicy): RateLimitDecision;
  /** Whether `key` could take a request now, without taking one (for counting failures only). */
  peek(key: string, nowMs: number, policy: RateLimitPolicy): RateLimitDecision;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export interface RateLimiterOptions {
  /**
   * Most senders tracked at once. Keys come from tokens and client addresses, so without a bound a
   * stranger could grow the map; past it the least recently seen sender that is not being refused is
   * forgotten (its quota refills). A refused sender is kept: otherwise requests from 10,000 other
   * addresses would wipe its record and let it in again.
   */
  maxKeys?: number;
}

export function createRateLimiter(options: RateLimiterOptions = {}): MemoryRateLimiter {
  const maxKeys = options.maxKeys ?? 10_000;
  // A Map iterates in insertion order; re-inserting on every request keeps the least recently seen first.
  const buckets = new Map<string, Bucket>();

  const refill = (bucket: Bucket, nowMs: number, policy: RateLimitPolicy) => {
    // A clock that steps back must not mint or take tokens.
    const elapsed = Math.max(0, nowMs - bucket.updatedMs);
    const perMs = policy.limit / (policy.windowSeconds * 1000);
    return Math.min(policy.limit, bucket.tokens + elapsed * perMs);
  };

  const forgetIdle = (nowMs: number, policy: RateLimitPolicy) => {
    // A bucket that has refilled completely is the same as no bucket: dropping it loses nothing. Checking
    // the two oldest per request keeps the map down to the active senders without a timer.
    for (let i = 0; i < 2; i++) {
      const oldest = buckets.entries().next();
      if (oldest.done) return;
      const [key, bucket] = oldest.value;
      if (refill(bucket, nowMs, policy) < policy.limit) return;
      buckets.delete(key);
    }
  };

  /**
   * Drops the least recently seen sender that could send right now (it loses only a partly used quota).
   * Only when every tracked sender is being refused does the oldest go: that takes as many refused
   * senders as the map holds, each having spent a whole quota.
   */
  const evictOne = (nowMs: number, policy: RateLimitPolicy) => {
    for (const [key, bucket] of buckets) {
      if (refill(bucket, nowMs, policy) >= 1) {
        buckets.delete(key);
        return;
      }
    }
    const oldest = buckets.keys().next();
    if (!oldest.done) buckets.delete(oldest.value);
  };

  return {
    peek(key, nowMs, policy) {
      const existing = buckets.get(key);
      const tokens = existing ? refill(existing, nowMs, policy) : policy.limit;
      const secondsPerToken = policy.windowSeconds / policy.limit;
      const allowed = tokens >= 1;
      const resetSeconds = allowed
        ? Math.ceil((policy.limit - tokens) * secondsPerToken)
        : Math.max(1, Math.ceil((1 - tokens) * secondsPerToken));
      return { allowed, policy, remaining: Math.floor(tokens), resetSeconds };
    },
    take(key, nowMs, policy) {
      forgetIdle(nowMs, policy);
      const existing = buckets.get(key);
      const bucket: Bucket = existing
        ? { tokens: refill(existing, nowMs, policy), updatedMs: Math.max(nowMs, existing.updatedMs) }
        : { tokens: policy.limit, updatedMs: nowMs };
      buckets.delete(key);
      const secondsPerToken = policy.windowSeconds / policy.limit;
      const allowed = bucket.tokens >= 1;
      if (allowed) bucket.tokens -= 1;
      buckets.set(key, bucket);
      if (buckets.size > maxKeys) evictOne(nowMs, policy);
      const resetSeconds = allowed
        ? Math.ceil((policy.limit - bucket.tokens) * secondsPerToken)
        : Math.max(1, Math.ceil((1 - bucket.tokens) * secondsPerToken));
      return { allowed, policy, remaining: Math.floor(bucket.tokens), resetSeconds };
    },
    size: () => buckets.size,
  };
}
