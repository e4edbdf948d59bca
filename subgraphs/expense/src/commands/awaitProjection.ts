/**
 * Where a wait hears that its user's read models may have moved: `wakeUps(wake)` calls `wake`
 * for each such notice from now on and returns how to stop. Every replica hears every user's
 * notices (subscriptions/changeNotifications.ts), whichever replica projected the event.
 */
export type ProjectionWakeUps = (wake: () => void) => () => void;

/**
 * The fallback polls' first pause and their longest: a notice that is lost, or that comes before
 * this replica's ear has joined its group, only delays the answer by about this much.
 */
const firstFallbackPollMs = 100;
const longestFallbackPollMs = 400;

/**
 * Read-your-writes: reads the read model through `probe` until it returns a value (the event is
 * applied), for at most `timeoutMs`, reading again whenever `wakeUps` hears of the user's read
 * models and, should no notice come, after a slow poll's pause. Resolves undefined when time ran
 * out; the caller then answers from the event and says it is still pending. An error the probe
 * throws (CONFLICT) ends the wait at once. The wait listens before its first read, so a notice
 * that comes while a read is in flight makes it read again at once rather than miss the change.
 */
export async function awaitProjection<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  wakeUps: ProjectionWakeUps,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  let heard = false;
  let wake: (() => void) | undefined;
  const stopListening = wakeUps(() => {
    heard = true;
    wake?.();
  });
  try {
    let pause = firstFallbackPollMs;
    for (;;) {
      heard = false;
      const result = await probe();
      if (result !== undefined) return result;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      if (heard) continue;
      const wokenBy = await new Promise<'notice' | 'poll'>((resolve) => {
        const timer = setTimeout(() => resolve('poll'), Math.min(pause, left));
        wake = () => {
          clearTimeout(timer);
          resolve('notice');
        };
      });
      wake = undefined;
      if (wokenBy === 'poll') pause = Math.min(pause * 2, longestFallbackPollMs);
    }
  } finally {
    stopListening();
  }
}
