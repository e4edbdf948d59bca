import { setTimeout as delay } from 'node:timers/promises';
import { envInt } from './env.ts';
import { CodedError, errorMessage } from './errors.ts';
import { createLogger, type Logger } from './logger.ts';

export interface StartupRetryOptions {
  /**
   * Give up after this many milliseconds. Default `STARTUP_TIMEOUT_MS`, else 60 000: long enough
   * for a broker or database that `npm start` launched a moment ago, short enough that a wrong
   * address ends in a clear error instead of a silent wait.
   */
  readonly timeoutMs?: number;
  /** First pause between attempts; it doubles up to `maxIntervalMs`. Default 200. */
  readonly intervalMs?: number;
  /** Longest pause between attempts. Default 3 000. */
  readonly maxIntervalMs?: number;
  readonly logger?: Logger;
}

const defaultLog = createLogger('startup');

/**
 * Runs one start-up step (connect to MongoDB, create topics, connect a producer), waiting out what
 * is transient: a server still starting, a topic whose partitions the broker does not host yet.
 * Any other error ends the step at once. When time runs out it throws `DEPENDENCY_UNREACHABLE`,
 * one line naming the step and its last error.
 */
export async function retryAtStartup<T>(
  step: string,
  attempt: () => Promise<T>,
  options: StartupRetryOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? envInt('STARTUP_TIMEOUT_MS', 60_000);
  const { intervalMs = 200, maxIntervalMs = 3_000 } = options;
  const log = options.logger ?? defaultLog;
  const deadline = Date.now() + timeoutMs;
  let pause = intervalMs;
  for (let attempts = 1; ; attempts += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!isTransient(error)) throw error;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new CodedError(
          'DEPENDENCY_UNREACHABLE',
          `${step}: no answer after ${timeoutMs / 1_000} s (${attempts} attempts); last error: ${errorMessage(error)}`,
          { step, attempts },
          { cause: error },
        );
      }
      log.warn({ step, attempts, retryInMs: pause, err: errorMessage(error) }, 'waiting to retry');
      await delay(Math.min(pause, left));
      pause = Math.min(pause * 2, maxIntervalMs);
    }
  }
}

/** kafkajs names of errors a later attempt can get past: the broker or its metadata is not ready. */
const transientKafkaErrors = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSStaleTopicMetadataAssignment',
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSLockTimeout',
  'KafkaJSAggregateError',
]);

/** The driver's errors for a server that cannot be reached or dropped the connection. */
const transientMongoErrors = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoServerClosedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
]);

const transientSystemCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

interface ErrorFacts {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly retriable?: unknown;
  readonly cause?: unknown;
  readonly originalError?: unknown;
  readonly errors?: unknown;
}

/**
 * True for errors that mean "not reachable or not ready yet" rather than "wrong": the error itself,
 * what it wraps (kafkajs's `originalError`, `cause`) or, for an aggregate, any of its errors.
 */
export function isTransient(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const facts = error as ErrorFacts;
  const name = typeof facts.name === 'string' ? facts.name : '';
  if (transientKafkaErrors.has(name) || transientMongoErrors.has(name)) return true;
  // kafkajs protocol errors say themselves whether a retry can help (UNKNOWN_TOPIC_OR_PARTITION,
  // LEADER_NOT_AVAILABLE, NOT_CONTROLLER, ...).
  if (name === 'KafkaJSProtocolError' && facts.retriable === true) return true;
  if (typeof facts.code === 'string' && transientSystemCodes.has(facts.code)) return true;
  const wrapped = [facts.originalError, facts.cause];
  if (Array.isArray(facts.errors)) wrapped.push(...(facts.errors as unknown[]));
  return wrapped.some((inner) => isTransient(inner, depth + 1));
}
