import { connect } from 'node:net';

/** What a bounded run did: how many calls, over how long, and each call's latency in ms. */
export interface RunFigures {
  readonly count: number;
  readonly elapsedMs: number;
  readonly latenciesMs: readonly number[];
}

export interface RunBounds {
  /** Calls in flight at once. */
  readonly concurrency: number;
  /** Stop starting calls after this many... */
  readonly maxCount: number;
  /** ...or after this long, whichever comes first. */
  readonly maxMs: number;
}

/**
 * Calls `call` from `concurrency` loops until `maxCount` calls have started or `maxMs` has
 * passed, then waits for the ones in flight. The first failure stops the run and is thrown.
 */
export async function runBounded(
  bounds: RunBounds,
  call: (index: number) => Promise<void>,
): Promise<RunFigures> {
  const latenciesMs: number[] = [];
  const started = performance.now();
  const deadline = started + bounds.maxMs;
  let issued = 0;
  const loop = async (): Promise<void> => {
    while (issued < bounds.maxCount && performance.now() < deadline) {
      const index = issued;
      issued += 1;
      const callStarted = performance.now();
      await call(index);
      latenciesMs.push(performance.now() - callStarted);
    }
  };
  await Promise.all(Array.from({ length: bounds.concurrency }, loop));
  return { count: latenciesMs.length, elapsedMs: performance.now() - started, latenciesMs };
}

/** Calls per second, to `decimals` places. */
export function perSecond(figures: RunFigures, decimals = 0): number {
  const scale = 10 ** decimals;
  return Math.round((figures.count / figures.elapsedMs) * 1_000 * scale) / scale;
}

export function ratio(part: number, whole: number): number {
  return Math.round((part / whole) * 100) / 100;
}

/** Nearest-rank percentile, rounded to 0.1 ms. */
export function percentileMs(latenciesMs: readonly number[], percent: number): number {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const rank = Math.max(0, Math.ceil((percent / 100) * sorted.length) - 1);
  return Math.round((sorted[rank] ?? Number.NaN) * 10) / 10;
}

/** Resolves when a TCP connection to `host:port` opens within `timeoutMs`, else rejects. */
export function probeTcp(host: string, port: number, timeoutMs = 2_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    });
    socket.once('error', (error) => {
      socket.destroy();
      reject(error);
    });
  });
}
