import type { Kafka } from 'kafkajs';
import {
  runEventConsumer,
  topicNames,
  type CashTrackEvent,
  type EventConsumer,
  type ProjectionResult,
  type RetryPolicy,
} from '@cashtrack/events';
import { createLogger, type Logger } from '@cashtrack/platform';
import { expenseViewOf } from '../readModels/expensesReadModel.ts';
import type { ExpenseReadModels } from '../readModels/readModels.ts';
import { changeCursor } from '../subscriptions/changeLog.ts';
import type { ReportExpenseChange } from './expenseChanges.ts';
import { isExpenseEvent, ProjectionGapError, type ExpenseEvent } from './expenseEvents.ts';
import { isExpenseMessageEvent, projectExpenseMessage } from './expenseMessagesProjection.ts';
import { projectExpense } from './expensesProjection.ts';
import { projectSpendingTotals } from './spendingTotalsProjection.ts';
import { isUserEvent, projectUserSettings } from './userSettingsProjection.ts';

/** The consumer group of every replica's projector: they share the partitions. */
export const expenseProjectorGroupId = 'expense-projector';

/** Where an event stands in its topic: what a change's cursor is made of. */
export interface EventPosition {
  readonly partition: number;
  readonly offset: string;
}

export interface ExpenseProjection {
  /** Applies one event to every read model it concerns and reports the change; idempotent. */
  project(event: CashTrackEvent, position: EventPosition): Promise<void>;
}

/**
 * The projector's one step per event. For an expense event the order matters: totals before the
 * `expenses` document, because that document's version is what a mutation waits for (when it
 * shows the event, the totals do too); the message after it, so PARSED never names an expense
 * that cannot be read yet. Then the change is reported.
 */
export function createExpenseProjection(
  models: ExpenseReadModels,
  reportChange: ReportExpenseChange,
): ExpenseProjection {
  const orThrowOnGap = (event: CashTrackEvent, readModel: string, result: ProjectionResult) => {
    if (result.outcome === 'gap') throw new ProjectionGapError(event, readModel, result.version);
    return result;
  };

  async function projectExpenseEvent(event: ExpenseEvent, position: EventPosition): Promise<void> {
    orThrowOnGap(
      event,
      'spendingTotals',
      await projectSpendingTotals(models.spendingTotals, event),
    );
    const result = orThrowOnGap(event, 'expenses', await projectExpense(models.expenses, event));
    // After the expense, so a message never reads PARSED while its expense is still missing;
    // on every delivery, so a crash between the two writes is repaired by the redelivery.
    if (isExpenseMessageEvent(event)) await projectExpenseMessage(models.expenseMessages, event);
    if (result.outcome === 'older') return;
    const document = await models.expenses.findOne({ _id: event.aggregateId });
    // Reported again when this very event is redelivered (the report is idempotent), so a crash
    // between the writes and the report loses nothing; never for another event that lost the
    // race for the same version.
    const appliedHere = document?.appliedEvents.some(
      (applied) => applied.version === event.aggregateVersion && applied.eventId === event.eventId,
    );
    if (result.outcome !== 'applied' && appliedHere !== true) return;
    await reportChange({
      cursor: changeCursor(position.partition, position.offset),
      kind:
        event.type === 'ExpenseRecorded'
          ? 'ADDED'
          : event.type === 'ExpenseUpdated'
            ? 'UPDATED'
            : 'DELETED',
      userId: event.userId,
      eventId: event.eventId,
      correlationId: event.correlationId,
      expenseId: event.aggregateId,
      expense: document === null ? null : expenseViewOf(document),
      messageId: document?.messageId ?? null,
      occurredAt: event.occurredAt,
    });
  }

  return {
    async project(event, position) {
      if (isUserEvent(event)) {
        orThrowOnGap(event, 'userSettings', await projectUserSettings(models.userSettings, event));
      } else if (isExpenseEvent(event)) {
        await projectExpenseEvent(event, position);
      } else if (isExpenseMessageEvent(event)) {
        await projectExpenseMessage(models.expenseMessages, event);
        // A rejection changes nothing else, so reporting it on every delivery is safe.
        if (event.type === 'ExpenseMessageRejected') {
          await reportChange({
            cursor: changeCursor(position.partition, position.offset),
            kind: 'REJECTED',
            userId: event.userId,
            eventId: event.eventId,
            correlationId: event.correlationId,
            expenseId: null,
            expense: null,
            messageId: event.aggregateId,
            occurredAt: event.occurredAt,
          });
        }
      }
    },
  };
}

export interface StartExpenseProjectorOptions {
  readonly kafka: Kafka;
  readonly models: ExpenseReadModels;
  /** Put in front of every topic and the group id (tests). Default ''. */
  readonly topicPrefix?: string;
  readonly reportChange: ReportExpenseChange;
  /** Default 30 000; tests use less so a stopped member's partitions move on quickly. */
  readonly sessionTimeoutMs?: number;
  readonly retry?: RetryPolicy;
  /** Default true: the consumer exits the process on a fatal error so it is restarted. */
  readonly exitOnFatal?: boolean;
  readonly logger?: Logger;
}

/**
 * Runs the projector in this process: consumer group `expense-projector` over
 * `cashtrack.users`, `cashtrack.expense-messages` and `cashtrack.expenses`, with the events
 * consumer runner's retries and dead letters.
 */
export function startExpenseProjector(
  options: StartExpenseProjectorOptions,
): Promise<EventConsumer> {
  const prefix = options.topicPrefix ?? '';
  const log = options.logger ?? createLogger('expense-projector');
  const topics = topicNames(prefix);
  const projection = createExpenseProjection(options.models, options.reportChange);
  return runEventConsumer({
    kafka: options.kafka,
    groupId: `${prefix}${expenseProjectorGroupId}`,
    topics: [topics.users, topics.expenseMessages, topics.expenses],
    handle: (event, { partition, offset }) => projection.project(event, { partition, offset }),
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
