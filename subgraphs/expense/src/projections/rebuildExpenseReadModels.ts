import type { Collection, Db, Document } from 'mongodb';
import type { Kafka } from 'kafkajs';
import {
  planReadModelBatch,
  rebuildReadModel,
  topicNames,
  type CashTrackEvent,
  type PositionedEvent,
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
import { gapsOf, isPositionedExpenseEvent } from './expenseEvents.ts';
import { projectExpenseMessages } from './expenseMessagesProjection.ts';
import { evolveExpenseRecord } from './expensesProjection.ts';
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

/** The events skipped because their predecessor is missing, with the version there was. */
type Skipped = ReturnType<typeof gapsOf>;

interface ReadModelRebuild {
  readonly name: ReadModelName;
  readonly topics: readonly string[];
  readonly prepare: (collection: Collection<Document>) => Promise<void>;
  /** Applies consecutive events of a partition; answers the events skipped as gaps. */
  readonly project: (
    events: readonly PositionedEvent[],
    collection: Collection<Document>,
  ) => Promise<Skipped>;
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
      project: async (events, collection) => {
        const skipped: { event: CashTrackEvent; have: number }[] = [];
        for (const { event } of events) {
          if (!isUserEvent(event)) continue;
          const settings = collection as unknown as UserSettingsCollection;
          const result = await projectUserSettings(settings, event);
          if (result.outcome === 'gap') skipped.push({ event, have: result.version });
        }
        return skipped;
      },
    },
    {
      name: readModelNames.expenses,
      topics: [topics.expenses],
      prepare: (collection) => prepareExpenses(collection as unknown as ExpensesCollection),
      project: async (events, collection) => {
        const expenseEvents = events.filter(isPositionedExpenseEvent).map(({ event }) => event);
        const batch = await planReadModelBatch(
          collection as unknown as ExpensesCollection,
          expenseEvents,
          evolveExpenseRecord,
        );
        await batch.commit();
        return gapsOf(expenseEvents, batch.results);
      },
    },
    {
      name: readModelNames.spendingTotals,
      topics: [topics.expenses],
      prepare: (collection) =>
        prepareSpendingTotals(collection as unknown as SpendingTotalsCollection),
      project: async (events, collection) => {
        const totals = collection as unknown as SpendingTotalsCollection;
        const expenseEvents = events.filter(isPositionedExpenseEvent);
        const results = await projectSpendingTotals(totals, expenseEvents);
        const gaps = gapsOf(
          expenseEvents.map(({ event }) => event),
          results,
        );
        if (gaps.length === 0) return gaps;
        // Totals write nothing for a batch with a gap: apply the others one at a time.
        for (const positioned of expenseEvents) await projectSpendingTotals(totals, [positioned]);
        return gaps;
      },
    },
    {
      name: readModelNames.expenseMessages,
      topics: [topics.expenseMessages, topics.expenses],
      prepare: (collection) =>
        prepareExpenseMessages(collection as unknown as ExpenseMessagesCollection),
      project: async (events, collection) => {
        await projectExpenseMessages(
          collection as unknown as ExpenseMessagesCollection,
          events.map(({ event }) => event),
        );
        return [];
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
      projectBatch: async (events, collection) => {
        for (const { event, have } of await rebuild.project(events, collection)) {
          log.warn(
            { readModel: rebuild.name, eventId: event.eventId, have },
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
