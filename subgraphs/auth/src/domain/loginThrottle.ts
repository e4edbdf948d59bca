/**
 * Log-in throttling that slows guessing down without letting anyone lock a person out.
 *
 * Attempts are counted on counters, and a counter past its free attempts asks for a wait before
 * the next one, doubling with each attempt up to a ceiling: a delay, never a lock. Which counters
 * an attempt is charged to depends on who is asking:
 * - a known client (it presents a device token auth issued to this email at an earlier log-in or
 *   sign-up) is charged to its own `device` counter only, so failures made by anyone else, from
 *   anywhere, never slow it down;
 * - any other client is charged to the `pair` of email and client address (the everyday limit:
 *   an attacker at one address slows down only that address), the `address` over every email (one
 *   address spraying many accounts), and the `email` over every unknown client, a ceiling high
 *   enough to be met only by guessing spread over many addresses.
 *
 * On the pair, email and device counters an attempt counts before its password is checked (a
 * reservation), so attempts racing each other, on one replica or several, cannot slip past a
 * counter between a check and a later write; a success then clears the pair or device counter
 * and gives the email counter its reservation back. The address counter counts failures only,
 * after the check: everyone behind one address (an office or carrier NAT) shares it, and
 * reserving on it would make their log-ins contend with each other; the guesses it could let
 * slip through in a burst are still bounded by the pair and email counters.
 * Pure: the store reads a counter, asks these functions, and writes the answer back.
 */

/** How one counter slows attempts down. */
export interface DelayPolicy {
  /** Attempts at full speed before any wait. */
  readonly freeAttempts: number;
  /** The wait after the first attempt past the free ones; it doubles with each further attempt. */
  readonly firstDelayMs: number;
  /** The longest wait ever asked for. */
  readonly maxDelayMs: number;
  /** A counter with no attempt for this long starts over. */
  readonly resetAfterMs: number;
}

export interface LoginThrottlePolicy {
  readonly pair: DelayPolicy;
  readonly address: DelayPolicy;
  readonly email: DelayPolicy;
  readonly device: DelayPolicy;
  /**
   * Sign-ups per client address: `freeAttempts` within `resetAfterMs` (signUpLedger.ts). The
   * gateway limits them too, but per gateway replica, in memory; this one holds across every
   * replica of both.
   */
  readonly signUp: DelayPolicy;
}

export type CounterKind = keyof LoginThrottlePolicy;

/** One counter as stored. */
export interface AttemptCounter {
  readonly attempts: number;
  readonly lastAttemptAt: Date;
  /** No attempt is admitted before this. */
  readonly nextAttemptAt: Date;
}

export type ThrottleVerdict =
  { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

/** A counter one log-in attempt is charged to. */
export interface ChargedCounter {
  readonly kind: CounterKind;
  /** The counter's id in the store, e.g. `pair:<email>|<address>`. */
  readonly key: string;
}

export interface LogInAttempt {
  /** Normalised. */
  readonly email: string;
  readonly clientAddress: string;
  /** The device id of a valid device token for this email; undefined for an unknown client. */
  readonly knownDeviceId: string | undefined;
}

/** The counters an attempt is charged to (see the file comment for why these). */
export function countersFor(attempt: LogInAttempt): readonly ChargedCounter[] {
  if (attempt.knownDeviceId !== undefined) {
    return [{ kind: 'device', key: `device:${attempt.knownDeviceId}` }];
  }
  // The pair before the email: an attempt the pair refuses must not fill the email's ceiling.
  return [
    { kind: 'address', key: `address:${attempt.clientAddress}` },
    { kind: 'pair', key: `pair:${attempt.email}|${attempt.clientAddress}` },
    { kind: 'email', key: `email:${attempt.email}` },
  ];
}

/** Whether an attempt is charged before its password is checked, or only once it has failed. */
export function reservedBeforeCheck(kind: CounterKind): boolean {
  return kind !== 'address';
}

/** After a success the caller's own counter starts over; shared ones only get the attempt back. */
export function clearedOnSuccess(kind: CounterKind): boolean {
  return kind === 'pair' || kind === 'device';
}

function isCurrent(counter: AttemptCounter, now: Date, policy: DelayPolicy): boolean {
  return now.getTime() < counter.lastAttemptAt.getTime() + policy.resetAfterMs;
}

/** The wait a counter asks for once it holds `attempts` attempts. */
export function delayAfter(attempts: number, policy: DelayPolicy): number {
  const past = attempts - policy.freeAttempts;
  if (past < 0) return 0;
  // 2^past passes any sane maximum long before it overflows; cap the exponent anyway.
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.min(past, 40));
}

/** May one more attempt be charged to this counter now? */
export function counterVerdict(
  counter: AttemptCounter | null,
  now: Date,
  policy: DelayPolicy,
): ThrottleVerdict {
  if (counter === null || !isCurrent(counter, now, policy)) return { allowed: true };
  const waitMs = counter.nextAttemptAt.getTime() - now.getTime();
  if (waitMs <= 0) return { allowed: true };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}

/** The counter once one more attempt is charged to it at `now`. */
export function counterAfterAttempt(
  counter: AttemptCounter | null,
  now: Date,
  policy: DelayPolicy,
): AttemptCounter {
  const attempts = (counter !== null && isCurrent(counter, now, policy) ? counter.attempts : 0) + 1;
  return {
    attempts,
    lastAttemptAt: now,
    nextAttemptAt: new Date(now.getTime() + delayAfter(attempts, policy)),
  };
}
