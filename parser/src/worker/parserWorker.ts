import { topicNames, type EventConsumer, type RetryPolicy } from '@cashtrack/events';
import type { Logger } from '@cashtrack/platform';
import { startService, type RunningService } from '@cashtrack/platform/service';
import { createExtractor, usesLlm, type ExtractorEnv } from '../extraction/createExtractor.ts';
import type { ExpenseExtractor } from '../extraction/types.ts';
import { mongoTokenBudget, tokenUsageCollection } from '../llm/mongoTokenBudget.ts';
import type { ParserWorkerConfig } from './config.ts';
import { handleSubmittedMessage } from './handleSubmittedMessage.ts';

export interface RunningParserWorker extends RunningService {
  readonly consumer: EventConsumer;
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
 * each message's outcome on `cashtrack.expenses`, and serves health and metrics. MongoDB is
 * connected only when a model is configured, for the shared token budget.
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
    mongo: overrides.extractor === undefined && usesLlm(env),
    kafkaAtStart: true,
    parts: async ({ mongo, producer, log, consume }) => {
      const usage = mongo === undefined ? undefined : tokenUsageCollection(mongo.db);
      const extractor =
        overrides.extractor ??
        createExtractor(env, {
          logger: log,
          budget: usage === undefined ? undefined : (daily) => mongoTokenBudget(usage, daily),
        });
      log.info({ llm: usage !== undefined }, 'extractor chosen');
      const consumer = await consume({
        groupId: config.consumerGroup,
        topics: [topicNames(config.topicPrefix).expenseMessages],
        handle: handleSubmittedMessage({
          extractor,
          producer,
          now: overrides.now ?? (() => new Date()),
          log,
        }),
        retry: overrides.retry,
        sessionTimeoutMs: overrides.sessionTimeoutMs,
        partitionsConsumedConcurrently: overrides.partitionsConsumedConcurrently,
      });
      return { own: { consumer } };
    },
  });
}
