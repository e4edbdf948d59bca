import type { Collection, Db, Document } from 'mongodb';
import type { Kafka } from 'kafkajs';
import {
  rebuildReadModel,
  topicNames,
  type CashTrackEvent,
  type ProjectionResult,
  type RebuildResult,
} from '@cashtrack/events';
import { createLogger, type Logger } from '@cashtrack/platform';
import {
  prepareExpenseMessages,
  type ExpenseMessagesCollection,
} from '../readModels/expenseMessagesReadModel.ts';
import { prepareExpenses, type ExpensesCollection } from '../readModels/expensesReadModel.ts';
import { readModelNames, type ReadModelName } from '../readModels/readModelNames.ts';
import {
  prepareSpendingTotals,
  type SpendingTotalsCollection,
} from '../readModels/spendingTotalsReadModel.ts';
import {
  prepareUserSettings,
  type UserSettingsCollection,
} from '../readModels/userSettingsReadModel.ts';
import { isExpenseEvent } from './expenseEvents.ts';
import { isExpenseMessageEvent, projectExpenseMessage } from './expenseMessagesProjection.ts';
import { projectExpense } from './expensesProjection.ts';
import { projectSpendingTotals } from './spendingTotalsProjection.ts';
import { isUserEvent, projectUserSettings } from './userSettingsProjection.ts';

export interface RebuildExpenseReadModelsOptions {
  readonly kafka: Kafka;
  readonly db: Db;
  /** Topic prefix (tests); also prefixes the throw-away consumer groups. Default ''. */
  readonly topicPrefix?: string;
  /** Default every read model. */
  readonly only?: readonly ReadModelName[];
  readonly logger?: Logger;
}

interface ReadModelRebuild {
  readonly name: ReadModelName;
  readonly topics: readonly string[];
  readonly prepare: (collection: Collection<Document>) => Promise<void>;
  /** Applies one event; returns a projection result when the read model is versioned. */
  readonly project: (
    event: CashTrackEvent,
    collection: Collection<Document>,
  ) => Promise<ProjectionResult | undefined>;
}

/**
 * `npm run replay:expenses`: rebuilds each read model of the expense service from offset 0 into
 * a fresh collection and swaps it in, one after the other, with the events replay helper. Each
 * read model is self-contained (the totals keep their own per-expense contributions), so each
 * can be rebuilt alone. The live projector may keep running meanwhile.
 *
 * A `gap` (an event whose predecessor never arrived, which the live projector dead-letters
 * after its retries) is skipped with a warning here, as the live model skipped it too.
 */
export async function rebuildExpenseReadModels(
  options: RebuildExpenseReadModelsOptions,
): Promise<Record<string, RebuildResult>> {
  const log = options.logger ?? createLogger('expense-replay');
  const prefix = options.topicPrefix ?? '';
  const topics = topicNames(prefix);
  const rebuilds: ReadModelRebuild[] = [
    {
      name: readModelNames.userSettings,
      topics: [topics.users],
      prepare: (collection) => prepareUserSettings(collection as unknown as UserSettingsCollection),
      project: async (event, collection) =>
        isUserEvent(event)
          ? projectUserSettings(collection as unknown as UserSettingsCollection, event)
          : undefined,
    },
    {
      name: readModelNames.expenses,
      topics: [topics.expenses],
      prepare: (collection) => prepareExpenses(collection as unknown as ExpensesCollection),
      project: async (event, collection) =>
        isExpenseEvent(event)
          ? projectExpense(collection as unknown as ExpensesCollection, event)
          : undefined,
    },
    {
      name: readModelNames.spendingTotals,
      topics: [topics.expenses],
      prepare: (collection) =>
        prepareSpendingTotals(collection as unknown as SpendingTotalsCollection),
      project: async (event, collection) =>
        isExpenseEvent(event)
          ? projectSpendingTotals(collection as unknown as SpendingTotalsCollection, event)
          : undefined,
    },
    {
      name: readModelNames.expenseMessages,
      topics: [topics.expenseMessages, topics.expenses],
      prepare: (collection) =>
        prepareExpenseMessages(collection as unknown as ExpenseMessagesCollection),
      project: async (event, collection) => {
        if (isExpenseMessageEvent(event)) {
          await projectExpenseMessage(collection as unknown as ExpenseMessagesCollection, event);
        }
        return undefined;
      },
    },
  ];

  const results: Record<string, RebuildResult> = {};
  for (const rebuild of rebuilds) {
    if (options.only !== undefined && !options.only.includes(rebuild.name)) continue;
    const started = Date.now();
    results[rebuild.name] = await rebuildReadModel({
      kafka: options.kafka,
      db: options.db,
      collectionName: rebuild.name,
      topics: rebuild.topics,
      prepare: rebuild.prepare,
      project: async (event, collection) => {
        const result = await rebuild.project(event, collection);
        if (result?.outcome === 'gap') {
          log.warn(
            { readModel: rebuild.name, eventId: event.eventId, have: result.version },
            'skipped an event whose predecessor is missing',
          );
        }
      },
      groupIdPrefix: prefix,
      logger: log,
    });
    log.info(
      { readModel: rebuild.name, ...results[rebuild.name], durationMs: Date.now() - started },
      'read model rebuilt',
    );
  }
  return results;
}
