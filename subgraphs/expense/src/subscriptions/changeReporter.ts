import type { Producer } from 'kafkajs';
import type { ExpenseChange, ReportExpenseChanges } from '../projections/expenseChanges.ts';
import type { ChangeEvents, ChangeLog } from './changeLog.ts';
import {
  announceChanges,
  type ChangeNotice,
  type ChangeNotificationHub,
} from './changeNotifications.ts';

/**
 * The projector's report of the changes it applied: which of them are first deliveries is
 * recorded while the read models are still being written (one database round trip off the
 * subscribers' path), then they go into the change log (after the read models, never before) in
 * one bulk write, then each user with changes is told once, with their
 * newest cursor (a stream woken by it reads everything after its own last cursor anyway): this
 * replica's subscribers at once through `localHub`, every replica's through the announcement on
 * Kafka. Every step is idempotent, so redelivered events repeat them harmlessly; a failure fails
 * the events, which are retried. An event published twice (at two offsets) is logged once, at
 * the first (see `ChangeEventEntry`).
 */
export function changeReporter(
  changeLog: ChangeLog,
  changeEvents: ChangeEvents,
  producer: Pick<Producer, 'send'>,
  topic: string,
  localHub: Pick<ChangeNotificationHub, 'deliver'>,
): ReportExpenseChanges {
  return async (reported, readModelsWritten = Promise.resolve()) => {
    const [changes] = await Promise.all([
      firstDeliveries(changeEvents, reported),
      readModelsWritten,
    ]);
    if (changes.length === 0) return;
    // Insert-only: a redelivery (the projector died after this write, before its commit) finds
    // the expense at a later version than the event's and would overwrite the change with it;
    // subscribers replaying from an earlier cursor then heard ADDED v2, UPDATED v2 (npm run chaos).
    await changeLog.bulkWrite(
      changes.map(
        ({ cursor, userId, kind, expenseId, expense, messageId, occurredAt, traceContext }) => {
          const entry = { userId, kind, expenseId, expense, messageId, occurredAt };
          return {
            updateOne: {
              filter: { _id: cursor },
              update: {
                $setOnInsert: traceContext === undefined ? entry : { ...entry, traceContext },
              },
              upsert: true,
            },
          };
        },
      ),
      { ordered: false },
    );
    const newestByUser = new Map<string, ChangeNotice>();
    for (const { userId, cursor, traceContext } of changes) {
      newestByUser.set(
        userId,
        traceContext === undefined ? { userId, cursor } : { userId, cursor, traceContext },
      );
    }
    const notices = [...newestByUser.values()];
    for (const notice of notices) localHub.deliver(notice);
    await announceChanges(producer, topic, notices);
  };
}

/**
 * The changes reported at the cursor their event was first reported at: a copy of an event
 * published again at a later offset is dropped, while a redelivery of the same offset (the
 * projector died between this report and its commit) is kept and logged again, idempotently.
 * One write per batch; the read only for events seen before, which is rare.
 */
async function firstDeliveries(
  changeEvents: ChangeEvents,
  changes: readonly ExpenseChange[],
): Promise<ExpenseChange[]> {
  if (changes.length === 0) return [];
  // Both copies may also arrive in one batch: the first in the topic wins.
  const firstInBatch = new Map<string, ExpenseChange>();
  for (const change of changes) {
    if (!firstInBatch.has(change.eventId)) firstInBatch.set(change.eventId, change);
  }
  const candidates = [...firstInBatch.values()];
  const written = await changeEvents.bulkWrite(
    candidates.map(({ eventId, cursor }) => ({
      updateOne: {
        filter: { _id: eventId },
        update: { $setOnInsert: { cursor } },
        upsert: true,
      },
    })),
    { ordered: false },
  );
  const recordedNow = new Set(Object.values(written.upsertedIds).map(String));
  const seenBefore = candidates
    .map((change) => change.eventId)
    .filter((eventId) => !recordedNow.has(eventId));
  const firstCursor = new Map<string, string>();
  if (seenBefore.length > 0) {
    for (const entry of await changeEvents.find({ _id: { $in: seenBefore } }).toArray()) {
      firstCursor.set(entry._id, entry.cursor);
    }
  }
  return candidates.filter(
    (change) =>
      recordedNow.has(change.eventId) || firstCursor.get(change.eventId) === change.cursor,
  );
}
