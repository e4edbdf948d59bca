import { topicNames, type RetryPolicy } from '@cashtrack/events';
import { type EventConsumer } from '@cashtrack/events/kafka';
import type { Logger } from '@cashtrack/platform';
import { ParserMetrics } from '@cashtrack/platform/metrics';
import { startService, type RunningService } from '@cashtrack/platform/service';
import { createExtractor, usesLlm, type ExtractorEnv } from '../extraction/createExtractor.ts';
import type { ExpenseExtractor } from '../extraction/types.ts';
import { fallbackCauses } from '../llm/llmExtractor.ts';
import { mongoTokenBudget, tokenUsageCollection } from '../llm/mongoTokenBudget.ts';
import { createVocabularyCache } from '../vocabulary/vocabularyCache.ts';
import { projectCorrections, vocabularyConsumerGroup } from '../vocabulary/vocabularyProjector.ts';
import { learnedTermsOfUsers, vocabularyCollection } from '../vocabulary/vocabularyReadModel.ts';
import type { ParserWorkerConfig } from './config.ts';
import { handleSubmittedMessage } from './handleSubmittedMessage.ts';
import { mongoParseOutcomeLedger, parseOutcomesCollection } from './parseOutcomeLedger.ts';

export interface RunningParserWorker extends RunningService {
  readonly consumer: EventConsumer;
  /** Projects `ExpenseCategoryCorrected` into the per-user vocabulary. */
  readonly vocabularyConsumer: EventConsumer;
}

export interface ParserWorkerOverrides {
  /** The extractor settings (`OPENAI_*`, `PARSER_DAILY_TOKEN_BUDGET`); default `process.env`. */
  readonly env?: ExtractorEnv;
  /** Replaces the extractor `env` would choose (tests). */
  readonly extractor?: ExpenseExtractor;
  readonly now?: () => Date;
  readonly logger?: Logger;
  /** Handler retries before dead-lettering (tests shorten it). */
  readonly retry?: RetryPolicy;
  /** Consumer session timeout (tests shorten it). */
  readonly sessionTimeoutMs?: number;
  /** Partitions handled at once (order is kept within each). Default 1. */
  readonly partitionsConsumedConcurrently?: number;
}

/**
 * The parser worker: consumes `cashtrack.expense-messages` in group `parser-worker`, publishes
 * each message's outcome on `cashtrack.expenses`, and serves health and metrics. A second
 * consumer (group `parser-vocabulary`) projects each user's category corrections from
 * `cashtrack.expenses` into MongoDB, which the parser consults for that user's messages.
 */
export function startParserWorker(
  config: ParserWorkerConfig,
  overrides: ParserWorkerOverrides = {},
): Promise<RunningParserWorker> {
  const env = overrides.env ?? process.env;
  return startService({
    name: 'parser-worker',
    config,
    logger: overrides.logger,
    // Always: the per-user vocabulary lives there, and the token budget when a model is used.
    mongo: true,
    kafkaAtStart: true,
    parts: async ({ mongo, producer, log, consume, metrics }) => {
      const counters = new ParserMetrics(metrics, fallbackCauses);
      const usage =
        overrides.extractor === undefined && usesLlm(env)
          ? tokenUsageCollection(mongo.db)
          : undefined;
      const vocabulary = vocabularyCollection(mongo.db);
      const learned = createVocabularyCache({
        load: (userIds) => learnedTermsOfUsers(vocabulary, userIds),
        ttlMs: 5_000,
        maxUsers: 10_000,
        activeMs: 60_000,
        maxUsersPerRead: 200,
      });
      const extractor =
        overrides.extractor ??
        createExtractor(env, {
          logger: log,
          budget: usage === undefined ? undefined : (daily) => mongoTokenBudget(usage, daily),
          metrics: counters,
        });
      log.info({ llm: usage !== undefined }, 'extractor chosen');
      // Both consumers at once: their group joins overlap instead of adding up.
      const [vocabularyConsumer, consumer] = await Promise.all([
        consume({
          groupId: vocabularyConsumerGroup,
          topics: [topicNames(config.topicPrefix).expenses],
          handle: projectCorrections(vocabulary, log, learned.forget),
          retry: overrides.retry,
          sessionTimeoutMs: overrides.sessionTimeoutMs,
        }),
        consume({
          groupId: config.consumerGroup,
          topics: [topicNames(config.topicPrefix).expenseMessages],
          handle: handleSubmittedMessage({
            extractor,
            producer,
            now: overrides.now ?? (() => new Date()),
            log,
            vocabularyOf: learned.termsOf,
            metrics: { counters, modelConfigured: usage !== undefined },
            ledger:
              usage === undefined
                ? undefined
                : mongoParseOutcomeLedger(parseOutcomesCollection(mongo.db)),
          }),
          retry: overrides.retry,
          sessionTimeoutMs: overrides.sessionTimeoutMs,
          partitionsConsumedConcurrently: overrides.partitionsConsumedConcurrently,
        }),
      ]);
      return { own: { consumer, vocabularyConsumer } };
    },
  });
}
