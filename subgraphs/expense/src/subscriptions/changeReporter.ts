import type { Producer } from 'kafkajs';
import type { ReportExpenseChanges } from '../projections/expenseChanges.ts';
import type { ChangeLog } from './changeLog.ts';
import {
  announceChanges,
  type ChangeNotice,
  type ChangeNotificationHub,
} from './changeNotifications.ts';

/**
 * The projector's report of the changes it applied: they go into the change log (after the read
 * models, never before) in one bulk write, then each user with changes is told once, with their
 * newest cursor (a stream woken by it reads everything after its own last cursor anyway): this
 * replica's subscribers at once through `localHub`, every replica's through the announcement on
 * Kafka. Every step is idempotent, so redelivered events repeat them harmlessly; a failure fails
 * the events, which are retried.
 */
export function changeReporter(
  changeLog: ChangeLog,
  producer: Producer,
  topic: string,
  localHub: ChangeNotificationHub,
): ReportExpenseChanges {
  return async (changes) => {
    if (changes.length === 0) return;
    await changeLog.bulkWrite(
      changes.map(({ cursor, userId, kind, expenseId, expense, messageId, occurredAt }) => ({
        replaceOne: {
          filter: { _id: cursor },
          replacement: { userId, kind, expenseId, expense, messageId, occurredAt },
          upsert: true,
        },
      })),
      { ordered: false },
    );
    const newestByUser = new Map<string, ChangeNotice>();
    for (const { userId, cursor } of changes) newestByUser.set(userId, { userId, cursor });
    const notices = [...newestByUser.values()];
    for (const notice of notices) localHub.deliver(notice);
    await announceChanges(producer, topic, notices);
  };
}
