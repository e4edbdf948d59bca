import type { Kafka } from 'kafkajs';
import {
  planReadModelBatch,
  runEventConsumer,
  topicNames,
  type BatchEventResult,
  type CashTrackEvent,
  type EventConsumer,
  type PositionedEvent,
  type ProjectionResult,
  type RetryPolicy,
} from '@cashtrack/events';
import { createLogger, type Logger } from '@cashtrack/platform';
import { defaultKnownBuckets } from '../config.ts';
import { expenseViewOf, type ExpenseRecord } from '../readModels/expensesReadModel.ts';
import type { ExpenseReadModels } from '../readModels/readModels.ts';
import { BucketLedgerCache } from './bucketLedgerCache.ts';
import { eventCursor } from './eventCursor.ts';
import type { ExpenseChange, ReportExpenseChanges } from './expenseChanges.ts';
import {
  gapsOf,
  isExpenseEvent,
  isPositionedExpenseEvent,
  ProjectionGapError,
  type ExpenseEvent,
} from './expenseEvents.ts';
import { projectExpenseMessages } from './expenseMessagesProjection.ts';
import { evolveExpenseRecord } from './expensesProjection.ts';
import { planSpendingTotals } from './spendingTotalsProjection.ts';
import { isUserEvent, projectUserSettings } from './userSettingsProjection.ts';

/** The consumer group of every replica's projector: they share the partitions. */
export const expenseProjectorGroupId = 'expense-projector';

/** Events handed to the projection at once, at most: one bulk write per read model each. */
export const projectorBatchEvents = 1_000;

/** Partitions projected at once by one replica. */
export const projectorConcurrentPartitions = 3;

export interface ExpenseProjection {
  /**
   * Applies consecutive events of one partition, in order, to every read model they concern and
   * reports the changes; idempotent, whichever way the events are split into batches.
   */
  projectBatch(events: readonly PositionedEvent[]): Promise<void>;
}

/**
 * The projector's steps for a batch, each one bulk write per read model. The order matters:
 * the totals' buckets before the `expenses` documents, because a document's version is what a mutation waits
 * for (when it shows the event, the totals do too); messages after them, so PARSED never names
 * an expense that cannot be read yet; the changes are reported last, once everything is written.
 */
export function createExpenseProjection(
  models: ExpenseReadModels,
  reportChanges: ReportExpenseChanges,
  knownBucketsCapacity = defaultKnownBuckets,
): ExpenseProjection {
  const knownBuckets = new BucketLedgerCache(knownBucketsCapacity);
  const throwOnGap = (
    readModel: string,
    events: readonly PositionedEvent<ExpenseEvent>[],
    results: readonly ProjectionResult[],
  ): void => {
    const [gap] = gapsOf(
      events.map(({ event }) => event),
      results,
    );
    if (gap !== undefined) throw new ProjectionGapError(gap.event, readModel, gap.have);
  };

  /** Writes the expense events' totals and documents; answers the `expenses` outcome of each. */
  async function projectExpenseEvents(
    events: readonly PositionedEvent<ExpenseEvent>[],
  ): Promise<readonly BatchEventResult<ExpenseRecord>[]> {
    // Both read models are read at once, and the expense documents written together with the
    // contributions, after the buckets: a document's version is what a mutation waits for, so
    // when it shows the event the totals do too. A crash between the writes is healed by the
    // redelivery (each write is idempotent, the buckets' ledgers skip what they have).
    const [totals, batch] = await Promise.all([
      planSpendingTotals(models.spendingTotals, events, knownBuckets),
      planReadModelBatch(
        models.expenses,
        events.map(({ event }) => event),
        evolveExpenseRecord,
      ),
    ]);
    throwOnGap('spendingTotals', events, totals.results);
    throwOnGap('expenses', events, batch.results);
    await totals.commit(() => batch.commit());
    return batch.results;
  }

  return {
    async projectBatch(events) {
      for (const { event } of events) {
        if (isUserEvent(event)) {
          orThrowOnGap(
            event,
            'userSettings',
            await projectUserSettings(models.userSettings, event),
          );
        }
      }
      const expenseEvents = events.filter(isPositionedExpenseEvent);
      const expenseResults = new Map<PositionedEvent, BatchEventResult<ExpenseRecord>>();
      if (expenseEvents.length > 0) {
        const results = await projectExpenseEvents(expenseEvents);
        expenseEvents.forEach((positioned, index) => {
          const result = results[index];
          if (result !== undefined) expenseResults.set(positioned, result);
        });
      }
      await projectExpenseMessages(
        models.expenseMessages,
        events.map(({ event }) => event),
      );
      const changes = events.flatMap((positioned) => {
        const change = changeOf(positioned, expenseResults.get(positioned));
        return change === undefined ? [] : [change];
      });
      if (changes.length > 0) await reportChanges(changes);
    },
  };
}

function orThrowOnGap(event: CashTrackEvent, readModel: string, result: ProjectionResult): void {
  if (result.outcome === 'gap') throw new ProjectionGapError(event, readModel, result.version);
}

/**
 * The change an event made, as subscribers hear it, or undefined when it made none. An expense
 * event is reported when it is the one its document applied at its version: on the delivery that
 * applied it and again on any redelivery (the report is idempotent), so a crash between the
 * writes and the report loses nothing; never for another event that lost the race for that
 * version. A rejection changes nothing else, so it is reported on every delivery.
 */
function changeOf(
  { event, partition, offset }: PositionedEvent,
  expenseResult: BatchEventResult<ExpenseRecord> | undefined,
): ExpenseChange | undefined {
  const common = {
    cursor: eventCursor(partition, offset),
    userId: event.userId,
    eventId: event.eventId,
    correlationId: event.correlationId,
    occurredAt: event.occurredAt,
  };
  if (event.type === 'ExpenseMessageRejected') {
    return {
      ...common,
      kind: 'REJECTED',
      expenseId: null,
      expense: null,
      messageId: event.aggregateId,
    };
  }
  if (!isExpenseEvent(event) || expenseResult === undefined) return undefined;
  const document = expenseResult.document;
  const appliedHere =
    expenseResult.outcome === 'applied' ||
    document?.appliedEvents.some(
      (applied) => applied.version === event.aggregateVersion && applied.eventId === event.eventId,
    ) === true;
  if (!appliedHere) return undefined;
  return {
    ...common,
    kind:
      event.type === 'ExpenseRecorded'
        ? 'ADDED'
        : event.type === 'ExpenseUpdated'
          ? 'UPDATED'
          : 'DELETED',
    expenseId: event.aggregateId,
    expense: document === null ? null : expenseViewOf(document),
    messageId: document?.messageId ?? null,
  };
}

export interface StartExpenseProjectorOptions {
  readonly kafka: Kafka;
  readonly models: ExpenseReadModels;
  /** Put in front of every topic and the group id (tests). Default ''. */
  readonly topicPrefix?: string;
  readonly reportChanges: ReportExpenseChanges;
  /** Default 30 000; tests use less so a stopped member's partitions move on quickly. */
  readonly sessionTimeoutMs?: number;
  /** Buckets remembered between batches (see `ExpenseConfig.projectorKnownBuckets`). */
  readonly knownBuckets?: number;
  readonly retry?: RetryPolicy;
  /** Default true: the consumer exits the process on a fatal error so it is restarted. */
  readonly exitOnFatal?: boolean;
  readonly logger?: Logger;
}

/**
 * Runs the projector in this process: consumer group `expense-projector` over
 * `cashtrack.users`, `cashtrack.expense-messages` and `cashtrack.expenses`, a batch of each
 * partition's fetched events at a time, with the events consumer runner's retries and dead
 * letters (a failing batch is retried event by event).
 */
export function startExpenseProjector(
  options: StartExpenseProjectorOptions,
): Promise<EventConsumer> {
  const prefix = options.topicPrefix ?? '';
  const log = options.logger ?? createLogger('expense-projector');
  const topics = topicNames(prefix);
  const projection = createExpenseProjection(
    options.models,
    options.reportChanges,
    options.knownBuckets,
  );
  return runEventConsumer({
    kafka: options.kafka,
    groupId: `${prefix}${expenseProjectorGroupId}`,
    topics: [topics.users, topics.expenseMessages, topics.expenses],
    handleBatch: (events) => projection.projectBatch(events),
    maxBatchEvents: projectorBatchEvents,
    // Partitions hold disjoint users, so their batches touch disjoint documents; overlapping
    // them keeps the database busy while another batch is decoded or fetched.
    partitionsConsumedConcurrently: projectorConcurrentPartitions,
    fromBeginning: true,
    // Signals are handled by the subgraph's shutdown steps, which stop this consumer in order.
    stopOnSignals: [],
    ...(options.sessionTimeoutMs === undefined
      ? {}
      : { sessionTimeoutMs: options.sessionTimeoutMs }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.exitOnFatal === undefined ? {} : { exitOnFatal: options.exitOnFatal }),
    logger: log,
  });
}
