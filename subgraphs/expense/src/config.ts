import {
  accessTokenVerifierSettings,
  kafkaSettings,
  listenSettings,
  mongoSettings,
  readSettings,
  wholeNumber,
  type ConfigOf,
} from '@cashtrack/platform';

/** Totals buckets the projector remembers between batches, by default. */
export const defaultKnownBuckets = 50_000;

export const expenseSettings = {
  ...listenSettings('EXPENSE', 4003),
  ...mongoSettings('EXPENSE_DATABASE', 'expenseServiceDB'),
  ...kafkaSettings,
  ...accessTokenVerifierSettings,
  projectionWaitMs: {
    variable: 'EXPENSE_PROJECTION_WAIT_MS',
    parse: wholeNumber,
    fallback: 2_000,
    doc: 'how long a mutation waits for its event to reach the read models before answering from the event, marked pending',
  },
  projectorSessionTimeoutMs: {
    variable: 'EXPENSE_PROJECTOR_SESSION_TIMEOUT_MS',
    parse: wholeNumber,
    fallback: 10_000,
    doc: "how long a crashed replica's partitions wait before another (or its restart) takes them over",
  },
  projectorKnownBuckets: {
    variable: 'EXPENSE_PROJECTOR_KNOWN_BUCKETS',
    parse: wholeNumber,
    fallback: defaultKnownBuckets,
    doc: 'totals buckets (one per user, currency and month, 0.5 to 4 KB each) the projector remembers instead of reading them back before writing; beyond that, each batch reads the buckets it misses',
  },
};

export type ExpenseConfig = ConfigOf<typeof expenseSettings>;

export function expenseConfigFromEnv(): ExpenseConfig {
  return readSettings(expenseSettings);
}
