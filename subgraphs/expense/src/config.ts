import {
  accessTokenAudienceFromEnv,
  envInt,
  envList,
  envString,
  type AccessTokenAudience,
} from '@cashtrack/platform';

export interface ExpenseConfig extends AccessTokenAudience {
  /** `EXPENSE_PORT`, default 4003; 0 picks a free port. */
  readonly port: number;
  /** `EXPENSE_HOST`, default 127.0.0.1 (containers set 0.0.0.0). */
  readonly host: string;
  /** `MONGO_URL`. */
  readonly mongoUrl: string;
  /** `EXPENSE_DATABASE`, default `expenseServiceDB`. */
  readonly database: string;
  /** `KAFKA_BROKERS`. */
  readonly kafkaBrokers: readonly string[];
  /** `KAFKA_TOPIC_PREFIX`, default '' (tests use a unique one). */
  readonly topicPrefix: string;
  /** `AUTH_JWKS_URL`, default http://127.0.0.1:4001/.well-known/jwks.json. */
  readonly jwksUrl: string;
  /**
   * `EXPENSE_PROJECTION_WAIT_MS`, default 2 000: how long a mutation waits for its event to reach
   * the read models before answering from the event, marked pending.
   */
  readonly projectionWaitMs: number;
  /**
   * `EXPENSE_PROJECTOR_SESSION_TIMEOUT_MS`, default 10 000: how long a crashed replica's
   * partitions wait before another (or its restart) takes them over.
   */
  readonly projectorSessionTimeoutMs: number;
  /**
   * `EXPENSE_PROJECTOR_KNOWN_BUCKETS`, default 50 000: how many totals buckets (one per user,
   * currency and month) the projector remembers so as not to read them back before writing,
   * about 0.5 to 4 KB each. Beyond that, each batch reads the buckets it misses.
   */
  readonly projectorKnownBuckets: number;
}

export const defaultKnownBuckets = 50_000;

export function expenseConfigFromEnv(): ExpenseConfig {
  return {
    ...accessTokenAudienceFromEnv(),
    port: envInt('EXPENSE_PORT', 4003),
    host: envString('EXPENSE_HOST', '127.0.0.1'),
    mongoUrl: envString('MONGO_URL', 'mongodb://127.0.0.1:27017'),
    database: envString('EXPENSE_DATABASE', 'expenseServiceDB'),
    kafkaBrokers: envList('KAFKA_BROKERS', ['127.0.0.1:9092']),
    topicPrefix: envString('KAFKA_TOPIC_PREFIX', ''),
    jwksUrl: envString('AUTH_JWKS_URL', 'http://127.0.0.1:4001/.well-known/jwks.json'),
    projectionWaitMs: envInt('EXPENSE_PROJECTION_WAIT_MS', 2_000),
    projectorSessionTimeoutMs: envInt('EXPENSE_PROJECTOR_SESSION_TIMEOUT_MS', 10_000),
    projectorKnownBuckets: envInt('EXPENSE_PROJECTOR_KNOWN_BUCKETS', defaultKnownBuckets),
  };
}
