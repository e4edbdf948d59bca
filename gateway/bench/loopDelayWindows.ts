import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ProbeSample } from './stallWindows.ts';

/**
 * Records this process's event-loop delay window by window until `stop`: each sample is the
 * longest delay within one window of about `intervalMs` (a stalled loop makes its window longer,
 * which the sample's start and end show), as `signal`.
 */
export function recordLoopDelayWindows(
  signal: string,
  intervalMs: number,
): { readonly samples: ProbeSample[]; stop(): void } {
  const samples: ProbeSample[] = [];
  const epochNow = (): number => performance.timeOrigin + performance.now();
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  let start = epochNow();
  const timer = setInterval(() => {
    const end = epochNow();
    samples.push({ signal, start, end, value: delay.max / 1e6 });
    delay.reset();
    start = end;
  }, intervalMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      delay.disable();
    },
  };
}
