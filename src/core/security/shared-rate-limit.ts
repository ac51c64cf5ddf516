/**
 * The webhook rate limit where no one process sees every request (Workers isolates, several replicas): a
 * fixed one-minute window per sender, counted in the store by one upsert. Coarser than the in-memory token
 * bucket (a refused sender waits for the window's end), but the same quota holds across isolates.
 * @module
 */
import type { AlertStore } from '../ports.js';
import type { RateLimitDecision, RateLimiter, RateLimitPolicy } from './rate-limit.js';

export function createSharedRateLimiter(store: Pick<AlertStore, 'countRequest'>): RateLimiter {
  return {
    async take(key: string, nowMs: number, policy: RateLimitPolicy): Promise<RateLimitDecision> {
      const windowMs = policy.windowSeconds * 1000;
      const windowStart = Math.floor(nowMs / windowMs) * windowMs;
      const count = await store.countRequest(`${policy.name}:${key}`, windowStart);
      const resetSeconds = Math.max(1, Math.ceil((windowStart + windowMs - nowMs) / 1000));
      return {
        allowed: count <= policy.limit,
        policy,
        remaining: Math.max(0, policy.limit - count),
        resetSeconds,
      };
    },
    size: () => 0,
  };
}
