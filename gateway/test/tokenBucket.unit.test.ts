import { describe, expect, it } from '@jest/globals';
import { RateLimiter } from '../src/limits/rateLimiter.ts';
import { takeToken } from '../src/limits/tokenBucket.ts';

const policy = { capacity: 3, refillPerSecond: 0.5 };

describe('the token bucket', () => {
  it('allows a burst up to its capacity, then asks the caller to wait for the next token', () => {
    let state = undefined;
    for (let request = 0; request < 3; request += 1) {
      const outcome = takeToken(policy, state, 1_000);
      expect(outcome.allowed).toBe(true);
      state = outcome.state;
    }
    const refused = takeToken(policy, state, 1_000);
    expect(refused).toMatchObject({ allowed: false, retryAfterSeconds: 2 });
  });

  it('refills with time, never above capacity', () => {
    const empty = { tokens: 0, updatedAtMs: 0 };
    expect(takeToken(policy, empty, 1_000).allowed).toBe(false);
    expect(takeToken(policy, empty, 2_000).allowed).toBe(true);
    const afterAnHour = takeToken(policy, empty, 3_600_000);
    expect(afterAnHour.state.tokens).toBe(2);
  });
});

describe('a charge of several tokens', () => {
  it('takes them all at once, or none', () => {
    const full = takeToken(policy, undefined, 0, 3);
    expect(full).toMatchObject({ allowed: true, state: { tokens: 0 } });
    const partial = takeToken(policy, { tokens: 2, updatedAtMs: 0 }, 0, 3);
    expect(partial).toMatchObject({ allowed: false, retryAfterSeconds: 2, state: { tokens: 2 } });
  });
});

describe('the rate limiter', () => {
  it('charges every bucket of a request or none, and says when a cost can never fit', () => {
    const limiter = new RateLimiter({ now: () => 0 });
    const roomy = { capacity: 10, refillPerSecond: 1 };
    const tight = { capacity: 2, refillPerSecond: 1 };
    expect(
      limiter.takeAll([
        { key: 'roomy', policy: roomy, cost: 3 },
        { key: 'tight', policy: tight, cost: 3 },
      ]),
    ).toEqual({ allowed: false, retryAfterSeconds: 1, tooLarge: true });
    // The refused request took nothing from the bucket that had room.
    expect(limiter.takeAll([{ key: 'roomy', policy: roomy, cost: 10 }]).allowed).toBe(true);
    expect(limiter.takeAll([{ key: 'tight', policy: tight, cost: 2 }]).allowed).toBe(true);
  });

  it('keeps one bucket per key', () => {
    const limiter = new RateLimiter({ now: () => 0 });
    const tight = { capacity: 1, refillPerSecond: 1 };
    expect(limiter.take('user:a:logExpense', tight).allowed).toBe(true);
    expect(limiter.take('user:a:logExpense', tight)).toEqual({
      allowed: false,
      retryAfterSeconds: 1,
    });
    expect(limiter.take('user:b:logExpense', tight).allowed).toBe(true);
  });

  it('forgets the least recently used bucket past its size', () => {
    const limiter = new RateLimiter({ now: () => 0, maxBuckets: 2 });
    const tight = { capacity: 1, refillPerSecond: 1 };
    limiter.take('a', tight);
    limiter.take('b', tight);
    limiter.take('c', tight);
    expect(limiter.take('a', tight).allowed).toBe(true);
    expect(limiter.take('c', tight).allowed).toBe(false);
  });
});
