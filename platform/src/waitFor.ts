import { setTimeout as delay } from 'node:timers/promises';
import { CodedError, errorMessage } from './errors.ts';

export interface WaitForOptions {
  /** Give up after this many milliseconds. Default 10 000. */
  readonly timeoutMs?: number;
  /** First pause between attempts; it doubles up to `maxIntervalMs`. Default 25. */
  readonly intervalMs?: number;
  /** Longest pause between attempts. Default 500. */
  readonly maxIntervalMs?: number;
  /** Named in the timeout error. */
  readonly description?: string;
}

/**
 * Polls `probe` until it returns a value other than `undefined`/`false`, or throws `WAIT_TIMEOUT`
 * naming what was awaited and the last error the probe threw. Used for readiness checks and
 * tests instead of fixed sleeps.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitForOptions = {},
): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 25, maxIntervalMs = 500 } = options;
  const deadline = Date.now() + timeoutMs;
  let pause = intervalMs;
  let lastError: unknown;
  for (;;) {
    try {
      const result = await probe();
      if (result !== undefined && result !== false) return result;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError === undefined ? '' : `; last error: ${errorMessage(lastError)}`;
      throw new CodedError(
        'WAIT_TIMEOUT',
        `Timed out after ${timeoutMs} ms waiting for ${options.description ?? 'a condition'}${reason}`,
      );
    }
    await delay(Math.min(pause, Math.max(0, deadline - Date.now())));
    pause = Math.min(pause * 2, maxIntervalMs);
  }
}
