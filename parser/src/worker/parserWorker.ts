import {
  createEventProducer,
  ensureTopics,
  runEventConsumer,
  topicNames,
  type EventConsumer,
  type RetryPolicy,
} from '@cashtrack/events';
import {
  closeOnce,
  connectMongo,
  createKafkaClient,
  createLogger,
  type Logger,
  type MongoConnection,
  type ShutdownStep,
} from '@cashtrack/platform';
import { createExtractor, usesLlm, type ExtractorEnv } from '../extraction/createExtractor.ts';
import type { ExpenseExtractor } from '../extraction/types.ts';
import { mongoTokenBudget, tokenUsageCollection } from '../llm/mongoTokenBudget.ts';
import type { ParserWorkerConfig } from './config.ts';
import { handleSubmittedMessage } from './handleSubmittedMessage.ts';
import { startHealthServer } from './healthServer.ts';

export interface RunningParserWorker {
  /** Health server, e.g. `http://127.0.0.1:4004`. */
  readonly url: string;
  readonly consumer: EventConsumer;
  /** In shutdown order: the consumer drains first, then the producer, health, the database. */
  readonly shutdownSteps: readonly ShutdownStep[];
  close(): Promise<void>;
}

export interface ParserWorkerOverrides {
  /** The extractor settings (`OPENAI_*`, `PARSER_DAILY_TOKEN_BUDGET`); default `process.env`. */
  readonly env?: ExtractorEnv;
  /** Replaces the extractor `env` would choose (tests). */
  readonly extractor?: ExpenseExtractor;
  readonly now?: () => Date;
  readonly logger?: Logger;
  /** Exit the process when the consumer fails for good (default true; tests pass false). */
  readonly exitOnFatal?: boolean;
  /** Handler retries before dead-lettering (tests shorten it). */
  readonly retry?: RetryPolicy;
  /** Consumer session timeout (tests shorten it). */
  readonly sessionTimeoutMs?: number;
  /** Partitions handled at once (order is kept within each). Default 1. */
  readonly partitionsConsumedConcurrently?: number;
}

/**
 * Starts the parser worker: consumes `cashtrack.expense-messages` in group `parser-worker`,
 * publishes each message's outcome on `cashtrack.expenses`, and serves health. MongoDB is
 * connected only when a model is configured, for the shared token budget.
 */
export async function startParserWorker(
  config: ParserWorkerConfig,
  overrides: ParserWorkerOverrides = {},
): Promise<RunningParserWorker> {
  const log = overrides.logger ?? createLogger('parser-worker');
  const env = overrides.env ?? process.env;
  const now = overrides.now ?? (() => new Date());

  let mongo: MongoConnection | undefined;
  if (overrides.extractor === undefined && usesLlm(env)) {
    mongo = await connectMongo({ url: config.mongoUrl, database: config.database });
  }
  const usage = mongo === undefined ? undefined : tokenUsageCollection(mongo.db);
  const extractor =
    overrides.extractor ??
    createExtractor(env, {
      logger: log,
      budget: usage === undefined ? undefined : (daily) => mongoTokenBudget(usage, daily),
    });
  log.info({ llm: usage !== undefined }, 'extractor chosen');

  const kafka = createKafkaClient({ clientId: 'parser-worker', brokers: config.kafkaBrokers });
  await ensureTopics(kafka, { prefix: config.topicPrefix });
  const producer = createEventProducer(kafka, { topicPrefix: config.topicPrefix });
  await producer.connect();
  const consumer = await runEventConsumer({
    kafka,
    groupId: `${config.topicPrefix}${config.consumerGroup}`,
    topics: [topicNames(config.topicPrefix).expenseMessages],
    handle: handleSubmittedMessage({ extractor, producer, now, log }),
    // Shutdown runs our steps in order (platform's shutdown.ts), the consumer's drain first.
    stopOnSignals: [],
    exitOnFatal: overrides.exitOnFatal ?? true,
    retry: overrides.retry,
    sessionTimeoutMs: overrides.sessionTimeoutMs,
    partitionsConsumedConcurrently: overrides.partitionsConsumedConcurrently,
    logger: log,
  });

  const health = await startHealthServer({
    port: config.port,
    host: config.host,
    stats: () => consumer.stats(),
    dependenciesReady: async () => (mongo === undefined ? true : mongo.ping()),
    log,
  });

  const shutdownSteps: ShutdownStep[] = [
    { name: 'consumer', stop: () => consumer.stop() },
    { name: 'producer', stop: () => producer.disconnect() },
    { name: 'health', stop: () => health.close() },
    ...(mongo === undefined ? [] : [{ name: 'mongo', stop: () => mongo.close() }]),
  ];
  return {
    url: health.url,
    consumer,
    shutdownSteps,
    close: closeOnce(shutdownSteps),
  };
}
