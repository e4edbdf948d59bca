import { takeToken, type TokenBucketPolicy, type TokenBucketState } from './tokenBucket.ts';

export interface RateLimiterOptions {
  /** How many buckets are remembered; the least recently used is forgotten past this. Default 100 000. */
  readonly maxBuckets?: number;
  readonly now?: () => number;
}

/**
 * Token buckets by key (e.g. `user:<id>:<operation>`), kept in memory in least-recently-used
 * order so a flood of distinct keys cannot grow it without bound. Each gateway replica limits
 * on its own; with N replicas behind a balancer a client gets at most N times the budget.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucketState>();
  private readonly maxBuckets: number;
  private readonly now: () => number;

  constructor(options: RateLimiterOptions = {}) {
    this.maxBuckets = options.maxBuckets ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  /** Takes one token from `key`'s bucket; answers how long to wait when it is empty. */
  take(key: string, policy: TokenBucketPolicy): { allowed: boolean; retryAfterSeconds: number } {
    const outcome = takeToken(policy, this.buckets.get(key), this.now());
    this.buckets.delete(key);
    this.buckets.set(key, outcome.state);
    if (this.buckets.size > this.maxBuckets) {
      const oldest = this.buckets.keys().next();
      if (oldest.done !== true) this.buckets.delete(oldest.value);
    }
    return {
      allowed: outcome.allowed,
      retryAfterSeconds: outcome.allowed ? 0 : outcome.retryAfterSeconds,
    };
  }
}
