import { setTimeout as delay } from 'node:timers/promises';

/**
 * Read-your-writes: polls the read model until `probe` returns a value (the event is applied),
 * for at most `timeoutMs`. Resolves undefined when time ran out; the caller then answers from
 * the event and says it is still pending. An error the probe throws (CONFLICT) ends the wait at
 * once. Polling rather than a signal from the projector in this process, because this user's
 * partition may be projected by another replica. Pauses start at 5 ms and grow to 50 ms.
 */
export async function awaitProjection<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  let pause = 5;
  for (;;) {
    const result = await probe();
    if (result !== undefined) return result;
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    await delay(Math.min(pause, left));
    pause = Math.min(pause * 2, 50);
  }
}
