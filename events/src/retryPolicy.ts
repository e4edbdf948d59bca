import { CodedError } from '@cashtrack/platform';
import { EventValidationError } from './eventValidationError.ts';

/** How a consumer retries a handler that failed. */
export interface RetryPolicy {
  /** Tries per message, the first included; after the last one the message is dead-lettered. */
  readonly maxAttempts: number;
  /** Pause after the first failure; it doubles per attempt up to `maxDelayMs`. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/** About 200 ms, 400 ms, 800 ms, 1.6 s between five attempts: rides out a brief blip. */
export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  initialDelayMs: 200,
  maxDelayMs: 5_000,
};

/**
 * The pause after failed attempt `attempt` (1-based): exponential, with jitter between half and
 * the whole step so replicas that failed together do not retry in lockstep.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const step = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + (step / 2) * random());
}

/**
 * What a consumer does with a handler error: try again (a few times, then park the message),
 * wait for an unreachable dependency and try again for as long as it takes, park the message at
 * once, or stop the process.
 */
export type FailureAction = 'retry' | 'wait' | 'dead-letter' | 'fatal';

/** Thrown by a handler for an event that can never succeed: dead-lettered without retries. */
export class PoisonEventError extends CodedError {
  constructor(message: string, details: Readonly<Record<string, unknown>> = {}) {
    super('POISON_EVENT', message, details);
  }
}

/**
 * Thrown by a handler when carrying on would do harm: the consumer commits nothing more, stops
 * and (by default) exits non-zero so a supervisor restarts it.
 */
export class FatalConsumerError extends CodedError {
  constructor(message: string, options?: ErrorOptions) {
    super('CONSUMER_FATAL', message, {}, options);
  }
}

/**
 * Errors that mean "our database or broker is unreachable", recognised by name so this module
 * imports neither driver. Dead-lettering every message during an outage would empty the topic
 * into the DLQ. Exiting was the answer once, but `npm run chaos` showed its cost: a FerretDB
 * restart of one second took the whole expense subgraph (its GraphQL API included) down, for
 * good when nothing restarts it. The consumer now waits the outage out on the same message.
 */
const outageErrorNames = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'KafkaJSConnectionError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSRequestTimeoutError',
]);

/** A connection lost under a driver error that does not say so by its name. */
const connectionLost =
  /connection .*closed|ECONNRESET|ECONNREFUSED|EPIPE|not connected|Topology is closed|Server selection timed out/i;

/**
 * True when `error` (or an error it wraps) says our database or broker is unreachable. The
 * MongoDB driver reports a connection lost in the middle of a bulk write as a
 * `MongoBulkWriteError` carrying the network error's message and no write errors.
 */
export function isOutage(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth += 1) {
    if (outageErrorNames.has(current.name)) return true;
    if (current.name === 'MongoBulkWriteError' && !hasWriteErrors(current)) {
      if (connectionLost.test(current.message)) return true;
    }
    current = current.cause;
  }
  return false;
}

function hasWriteErrors(error: Error): boolean {
  const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
  return Array.isArray(writeErrors) ? writeErrors.length > 0 : writeErrors !== undefined;
}

/**
 * Invalid events and `PoisonEventError` are parked at once, outages are waited out, a
 * `FatalConsumerError` stops the process, the rest is retried.
 */
export function defaultClassifyError(error: unknown): FailureAction {
  if (error instanceof EventValidationError || error instanceof PoisonEventError) {
    return 'dead-letter';
  }
  if (error instanceof FatalConsumerError) return 'fatal';
  if (isOutage(error)) return 'wait';
  return 'retry';
}
