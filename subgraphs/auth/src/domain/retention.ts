import type { LoginThrottlePolicy } from './loginThrottle.ts';

/**
 * How long auth keeps what it writes per attempt and per session, once it no longer matters.
 * Log-in counters and sign-up entries are written by anyone who can reach the API, addresses and
 * emails of their choosing, so without an end they grow without bound; the database (FerretDB
 * 1.x) has no TTL indexes to do it, so auth sweeps them itself (authHousekeeping.ts).
 */
export interface RetentionCutoffs {
  /** A log-in counter whose latest attempt is older has started over: deleting it changes nothing. */
  readonly loginCountersBefore: Date;
  /** A sign-up entry older than the window no longer counts against its address. */
  readonly signUpsBefore: Date;
  /** A refresh family that expired before this is refused either way; a day's margin for support. */
  readonly refreshFamiliesExpiredBefore: Date;
}

const day = 24 * 60 * 60 * 1000;

export function retentionCutoffs(now: Date, policy: LoginThrottlePolicy): RetentionCutoffs {
  const counterKinds = [policy.pair, policy.address, policy.email, policy.device];
  // The longest a counter is still current after its last attempt (isCurrent in loginThrottle.ts).
  const longestReset = Math.max(...counterKinds.map((kind) => kind.resetAfterMs));
  return {
    loginCountersBefore: new Date(now.getTime() - longestReset),
    signUpsBefore: new Date(now.getTime() - policy.signUp.resetAfterMs),
    refreshFamiliesExpiredBefore: new Date(now.getTime() - day),
  };
}
