import type { Producer } from 'kafkajs';
import type { ExpenseChange, ReportExpenseChange } from '../projections/expenseChanges.ts';
import type { ChangeLog } from './changeLog.ts';
import { announceChange } from './changeNotifications.ts';

/**
 * The projector's report of each applied change: the change goes into the change log (after the
 * read models, never before), then it is announced to every replica. Both steps are idempotent,
 * so a redelivered event repeats them harmlessly; a failure fails the event, which is retried.
 */
export function changeReporter(
  changeLog: ChangeLog,
  producer: Producer,
  topic: string,
): ReportExpenseChange {
  return async (change: ExpenseChange) => {
    const { cursor, userId, kind, expenseId, expense, messageId, occurredAt } = change;
    await changeLog.replaceOne(
      { _id: cursor },
      { userId, kind, expenseId, expense, messageId, occurredAt },
      { upsert: true },
    );
    await announceChange(producer, topic, { userId, cursor });
  };
}
