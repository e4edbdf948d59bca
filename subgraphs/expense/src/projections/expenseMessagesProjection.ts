import type { AnyBulkWriteOperation, UpdateFilter } from 'mongodb';
import { isDuplicateKey } from '@cashtrack/events/mongo';
import { type CashTrackEvent, type PositionedEvent } from '@cashtrack/events';
import {
  prepareExpenseMessages,
  type ExpenseMessageDocument,
} from '../readModels/expenseMessagesReadModel.ts';
import { readModelNames } from '../readModels/readModelNames.ts';
import { changeBasis, type ExpenseChange } from './expenseChanges.ts';
import type { ReadModelProjection } from './readModelProjection.ts';

/**
 * The `expenseMessages` read model. Its events come from two topics without an order between
 * them (a rebuild may read every rejection before any submission), so it does not version the
 * document: each event `$set`s only the fields it owns, with values taken from the event alone.
 * Such writes commute and repeat harmlessly, which makes the projection idempotent and its
 * result independent of arrival order. The status is derived from the fields when read.
 *
 * Consecutive events are written in one ordered bulk write; events that say nothing about a
 * message (an expense from no message) are left out. A rejection is reported to subscribers on
 * every delivery: it changes nothing else, and the change log keeps one entry per cursor.
 */
export const expenseMessagesProjection: ReadModelProjection = {
  name: readModelNames.expenseMessages,
  companions: [],
  version: 1,
  eventTypes: ['ExpenseMessageSubmitted', 'ExpenseMessageRejected', 'ExpenseRecorded'],
  bind(database) {
    const messages = database.collection<ExpenseMessageDocument>(readModelNames.expenseMessages);
    return {
      prepare: () => prepareExpenseMessages(messages),
      plan(events) {
        const writes = events.flatMap(
          ({ event }): AnyBulkWriteOperation<ExpenseMessageDocument>[] => {
            const update = messageUpdateFor(event);
            return update === undefined
              ? []
              : [
                  {
                    updateOne: {
                      filter: { _id: update.messageId },
                      update: update.change,
                      upsert: true,
                    },
                  },
                ];
          },
        );
        return Promise.resolve({
          gaps: [],
          changes: events.flatMap(rejectionOf),
          async commit() {
            if (writes.length === 0) return;
            try {
              // Ordered: two events of one new message in a batch must not race to insert it.
              await messages.bulkWrite(writes, { ordered: true });
            } catch (error) {
              // Another partition's batch (the message's submission and its expenses travel on
              // two topics) inserted the message first. The writes commute and repeat
              // harmlessly, and the document now exists, so the same writes again update it.
              if (!isDuplicateKey(error)) throw error;
              await messages.bulkWrite(writes, { ordered: true });
            }
          },
        });
      },
    };
  },
};

function rejectionOf(positioned: PositionedEvent): ExpenseChange[] {
  const { event } = positioned;
  if (event.type !== 'ExpenseMessageRejected') return [];
  return [
    {
      ...changeBasis(positioned),
      kind: 'REJECTED',
      expenseId: null,
      expense: null,
      messageId: event.aggregateId,
    },
  ];
}

function messageUpdateFor(
  event: CashTrackEvent,
): { messageId: string; change: UpdateFilter<ExpenseMessageDocument> } | undefined {
  switch (event.type) {
    case 'ExpenseMessageSubmitted':
      return {
        messageId: event.aggregateId,
        change: {
          $set: {
            userId: event.userId,
            text: event.payload.text,
            timezone: event.payload.timezone,
            currency: event.payload.currency,
            submittedAt: event.occurredAt,
            submittedEventId: event.eventId,
          },
        },
      };
    case 'ExpenseMessageRejected':
      return {
        messageId: event.aggregateId,
        change: {
          $set: {
            userId: event.userId,
            reason: event.payload.reason,
            rejectedAt: event.occurredAt,
          },
        },
      };
    case 'ExpenseRecorded': {
      const origin = event.payload.origin;
      if (origin === null) return undefined;
      return {
        messageId: origin.messageId,
        change: {
          $set: {
            userId: event.userId,
            expectedCount: origin.count,
            [`parsedExpenseIds.${origin.position}`]: event.aggregateId,
          },
        },
      };
    }
    default:
      return undefined;
  }
}
