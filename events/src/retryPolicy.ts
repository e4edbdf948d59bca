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

/** What a consumer does with a handler error: try again, park the message, or stop the process. */
export type FailureAction = 'retry' | 'dead-letter' | 'fatal';

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
 * into the DLQ; stopping lets a supervisor restart the process once the dependency is back.
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

/** Invalid events and `PoisonEventError` are parked at once, outages are fatal, the rest retried. */
export function defaultClassifyError(error: unknown): FailureAction {
  if (error instanceof EventValidationError || error instanceof PoisonEventError) {
    return 'dead-letter';
  }
  if (error instanceof FatalConsumerError) return 'fatal';
  if (error instanceof Error && outageErrorNames.has(error.name)) return 'fatal';
  return 'retry';
}
