/**
 * A token bucket: up to `capacity` requests at once, refilled at `refillPerSecond`. Pure: the
 * caller keeps the state and passes the time in, so the arithmetic is tested without clocks.
 */
export interface TokenBucketPolicy {
  readonly capacity: number;
  readonly refillPerSecond: number;
}

export interface TokenBucketState {
  readonly tokens: number;
  readonly updatedAtMs: number;
}

export type TakeOutcome =
  | { readonly allowed: true; readonly state: TokenBucketState }
  | {
      readonly allowed: false;
      readonly state: TokenBucketState;
      readonly retryAfterSeconds: number;
    };

/**
 * Takes `cost` tokens at once, or none. A cost above the capacity can never be paid; its wait is
 * until the bucket is full, and the caller says the request is too large.
 */
export function takeToken(
  policy: TokenBucketPolicy,
  previous: TokenBucketState | undefined,
  nowMs: number,
  cost = 1,
): TakeOutcome {
  const elapsedSeconds =
    previous === undefined ? 0 : Math.max(0, nowMs - previous.updatedAtMs) / 1000;
  const available = Math.min(
    policy.capacity,
    (previous?.tokens ?? policy.capacity) + elapsedSeconds * policy.refillPerSecond,
  );
  if (available >= cost) {
    return { allowed: true, state: { tokens: available - cost, updatedAtMs: nowMs } };
  }
  const needed = Math.min(cost, policy.capacity) - available;
  return {
    allowed: false,
    state: { tokens: available, updatedAtMs: nowMs },
    retryAfterSeconds: Math.max(1, Math.ceil(needed / policy.refillPerSecond)),
  };
}
