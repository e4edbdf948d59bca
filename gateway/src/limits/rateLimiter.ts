import { takeToken, type TokenBucketPolicy, type TokenBucketState } from './tokenBucket.ts';

export interface RateLimiterOptions {
  /** How many buckets are remembered; the least recently used is forgotten past this. Default 100 000. */
  readonly maxBuckets?: number;
  readonly now?: () => number;
}

/** `cost` tokens from the bucket `key`, which follows `policy`. */
export interface BucketCharge {
  readonly key: string;
  readonly policy: TokenBucketPolicy;
  readonly cost: number;
}

export interface RateLimitOutcome {
  readonly allowed: boolean;
  /** 0 when allowed. */
  readonly retryAfterSeconds: number;
  /** A charge asked for more than its bucket ever holds: the request must be split. */
  readonly tooLarge: boolean;
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
    const { allowed, retryAfterSeconds } = this.takeAll([{ key, policy, cost: 1 }]);
    return { allowed, retryAfterSeconds };
  }

  /**
   * Takes every charge's tokens, or none when any bucket is short: a refused request costs
   * nothing, and one bucket is never drained for a request another bucket refused. Answers the
   * longest wait among the short buckets, and whether one of them can never hold the cost.
   */
  takeAll(charges: readonly BucketCharge[]): RateLimitOutcome {
    const now = this.now();
    const outcomes = charges.map((charge) => ({
      charge,
      outcome: takeToken(charge.policy, this.buckets.get(charge.key), now, charge.cost),
    }));
    let retryAfterSeconds = 0;
    let tooLarge = false;
    for (const { charge, outcome } of outcomes) {
      if (outcome.allowed) continue;
      retryAfterSeconds = Math.max(retryAfterSeconds, outcome.retryAfterSeconds);
      if (charge.cost > charge.policy.capacity) tooLarge = true;
    }
    if (retryAfterSeconds > 0) return { allowed: false, retryAfterSeconds, tooLarge };
    for (const { charge, outcome } of outcomes) this.remember(charge.key, outcome.state);
    return { allowed: true, retryAfterSeconds: 0, tooLarge: false };
  }

  private remember(key: string, state: TokenBucketState): void {
    this.buckets.delete(key);
    this.buckets.set(key, state);
    if (this.buckets.size > this.maxBuckets) {
      const oldest = this.buckets.keys().next();
      if (oldest.done !== true) this.buckets.delete(oldest.value);
    }
  }
}
