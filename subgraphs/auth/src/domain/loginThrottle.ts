/**
 * Failed log-ins counted per key (an email, a client address) in fixed windows. Once a key has
 * `maxFailures` failures in its window, further attempts are refused until the window ends.
 * Pure: the store reads a window, asks these functions, and writes the answer back with a
 * conditional update.
 */

export interface ThrottlePolicy {
  readonly maxFailures: number;
  readonly windowMs: number;
}

/** Failures of one key since `startedAt`. */
export interface FailureWindow {
  readonly startedAt: Date;
  readonly failures: number;
}

export type ThrottleVerdict =
  { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

function isOpen(window: FailureWindow, now: Date, policy: ThrottlePolicy): boolean {
  return now.getTime() < window.startedAt.getTime() + policy.windowMs;
}

/** May this key try to log in now? */
export function throttleVerdict(
  window: FailureWindow | null,
  now: Date,
  policy: ThrottlePolicy,
): ThrottleVerdict {
  if (window === null || !isOpen(window, now, policy) || window.failures < policy.maxFailures) {
    return { allowed: true };
  }
  const endsAt = window.startedAt.getTime() + policy.windowMs;
  return {
    allowed: false,
    retryAfterSeconds: Math.max(1, Math.ceil((endsAt - now.getTime()) / 1000)),
  };
}

/** The window after one more failure: counted in the open window, or the first of a new one. */
export function windowAfterFailure(
  window: FailureWindow | null,
  now: Date,
  policy: ThrottlePolicy,
): FailureWindow {
  if (window !== null && isOpen(window, now, policy)) {
    return { startedAt: window.startedAt, failures: window.failures + 1 };
  }
  return { startedAt: now, failures: 1 };
}

/** The stricter of several verdicts (the longest wait), so every key's limit holds. */
export function combineVerdicts(verdicts: readonly ThrottleVerdict[]): ThrottleVerdict {
  let longest = 0;
  for (const verdict of verdicts) {
    if (!verdict.allowed) longest = Math.max(longest, verdict.retryAfterSeconds);
  }
  return longest === 0 ? { allowed: true } : { allowed: false, retryAfterSeconds: longest };
}
