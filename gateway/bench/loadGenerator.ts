/**
 * A closed-loop HTTP load generator for the gateway bench: `concurrency` loops, each POSTing the
 * next request of a shared round (`requests`, in order, over and over) as soon as its previous
 * answer is read, over keep-alive connections (global fetch, i.e. undici's pooled agent).
 * Requests started during the warm-up are not counted.
 *
 * It runs in a child process of its own (`runLoadInChild`), so the client's work is neither on
 * the event loop nor in the CPU time of the process whose servers it measures.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gatewaySignedHeaders } from '../../test-support/gatewaySigning.ts';

/** One request of the round: its JSON body and its own headers (e.g. its user's token). */
export interface LoadRequest {
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface LoadOptions {
  readonly url: string;
  /** Sent in this order, round after round, each by whichever loop is free next. */
  readonly requests: readonly LoadRequest[];
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** One request taking longer than this fails. Default 10 000. */
  readonly timeoutMs?: number;
  /**
   * Sign each request as the gateway would (a subgraph called directly refuses anything else);
   * each gets its own signature, since one is valid for 30 s only.
   */
  readonly signAsGateway?: boolean;
}

export interface LoadResult {
  /** Answered requests started in the measured window, failures included. */
  readonly requests: number;
  /** Answered requests, warm-up included. */
  readonly allRequests: number;
  /** Answers that were not HTTP 200, had GraphQL errors, or did not come at all. */
  readonly failures: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  /** What the first failure looked like, for the report. */
  readonly firstFailure: string | undefined;
  /** The measured window's length, from its start to its last answer. */
  readonly measuredMs: number;
  /** Each measured request's time to its answer, ascending: slices merge by their raw times. */
  readonly latenciesMs: readonly number[];
}

/** Set in the child's environment: it is the load generator, and its load comes over IPC. */
const loadVariable = 'CASHTRACK_LOAD_GENERATOR';

/** Runs the load in this thread; `onMeasuring` is called when the warm-up is over. */
export async function runLoad(
  options: LoadOptions,
  onMeasuring: () => void = () => undefined,
): Promise<LoadResult> {
  const started = performance.now();
  const measureFrom = started + options.warmupMs;
  const warmup = setTimeout(onMeasuring, options.warmupMs);
  const stopAt = measureFrom + options.durationMs;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const { requests } = options;
  if (requests.length === 0) throw new Error('the load needs at least one request');
  let nextRequest = 0;
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  let lastAnswer = measureFrom;
  let allRequests = 0;

  const loop = async (): Promise<void> => {
    while (performance.now() < stopAt) {
      const request = requests[nextRequest % requests.length];
      nextRequest += 1;
      const body = request?.body ?? '';
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        ...request?.headers,
      };
      const sent = performance.now();
      let failure: string | undefined;
      try {
        const response = await fetch(options.url, {
          method: 'POST',
          headers:
            options.signAsGateway === true
              ? {
                  ...headers,
                  ...gatewaySignedHeaders(options.url, {
                    body,
                    authorization: headers.authorization,
                  }),
                }
              : headers,
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = await response.text();
        if (response.status !== 200) failure = `HTTP ${response.status}: ${text.slice(0, 300)}`;
        else if (text.includes('"errors"')) failure = text.slice(0, 300);
      } catch (error) {
        failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      const answered = performance.now();
      allRequests += 1;
      if (sent < measureFrom) continue;
      latencies.push(answered - sent);
      lastAnswer = Math.max(lastAnswer, answered);
      if (failure !== undefined) {
        failures += 1;
        firstFailure ??= `${failure} (request ${body.slice(0, 120)})`;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  clearTimeout(warmup);

  return summarise({
    latencies,
    allRequests,
    failures,
    firstFailure,
    measuredMs: Math.max(options.durationMs, lastAnswer - measureFrom),
  });
}

interface RawLoad {
  readonly latencies: readonly number[];
  readonly allRequests: number;
  readonly failures: number;
  readonly firstFailure: string | undefined;
  readonly measuredMs: number;
}

function summarise(raw: RawLoad): LoadResult {
  const sorted = Float64Array.from(raw.latencies).sort();
  return {
    requests: sorted.length,
    allRequests: raw.allRequests,
    failures: raw.failures,
    rps: Math.round(sorted.length / Math.max(0.001, raw.measuredMs / 1_000)),
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    firstFailure: raw.firstFailure,
    measuredMs: raw.measuredMs,
    latenciesMs: Array.from(sorted),
  };
}

/**
 * One target's slices of an interleaved measurement as if measured in one window: requests and
 * measured time add up, the percentiles are over every slice's latencies together.
 */
export function mergeLoadResults(slices: readonly LoadResult[]): LoadResult {
  return summarise({
    latencies: slices.flatMap((slice) => slice.latenciesMs),
    allRequests: slices.reduce((sum, slice) => sum + slice.allRequests, 0),
    failures: slices.reduce((sum, slice) => sum + slice.failures, 0),
    firstFailure: slices.find((slice) => slice.firstFailure !== undefined)?.firstFailure,
    measuredMs: slices.reduce((sum, slice) => sum + slice.measuredMs, 0),
  });
}

type FromLoadChild =
  { readonly type: 'measuring' } | { readonly type: 'result'; readonly result: LoadResult };

/**
 * Runs the load in a child process (with this process's loader flags, e.g. tsx's);
 * `onMeasuring` is called when its warm-up is over (e.g. to read a server's CPU time then).
 */
export function runLoadInChild(
  options: LoadOptions,
  onMeasuring: () => void = () => undefined,
): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [], {
      env: { ...process.env, [loadVariable]: '1' },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    // Over IPC, not the environment: hundreds of tokens exceed what one variable may hold.
    child.send(options);
    let result: LoadResult | undefined;
    child.on('message', (message: FromLoadChild) => {
      if (message.type === 'measuring') onMeasuring();
      else result = message.result;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (result !== undefined) resolve(result);
      else reject(new Error(`the load generator exited with ${code} and no result`));
    });
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[index] ?? 0) * 100) / 100;
}

const send = process.send?.bind(process);
if (process.env[loadVariable] === '1' && send !== undefined) {
  const reply = (message: FromLoadChild, then?: () => void): void =>
    void send(message, undefined, undefined, then);
  process.once('message', (options: LoadOptions) => {
    void runLoad(options, () => reply({ type: 'measuring' })).then((result) => {
      reply({ type: 'result', result }, () => process.disconnect());
    });
  });
}
