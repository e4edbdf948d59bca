import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newEvent, type EventOfType } from '@cashtrack/events';
import { waitFor } from '@cashtrack/test-support';
import { vocabularyCollection } from '../src/vocabulary/vocabularyReadModel.ts';
import {
  expenseRecordedFor,
  startWorkerOnBroker,
  submittedMessage,
  type WorkerOnBroker,
} from './support/workerOnBroker.ts';

/**
 * Learning from corrections, on the real broker and database: once a person corrected the
 * parser's "bento 12" to dining, their next "bento 9" is dining too (`rules-learned`), while
 * another person's "bento 9" is still a guess in `other`.
 */

let broker: WorkerOnBroker;

beforeAll(async () => {
  broker = await startWorkerOnBroker('parser-vocabulary-test');
});

afterAll(async () => {
  await broker?.close();
});

let sequence = 0;
async function parse(text: string, userId: string): Promise<EventOfType<'ExpenseRecorded'>> {
  sequence += 1;
  const message = submittedMessage(broker.ns, {
    key: String(sequence),
    text,
    userId,
    timezone: 'UTC',
    currency: 'USD',
  });
  await broker.producer.publish([message]);
  return expenseRecordedFor(broker, message.aggregateId);
}

/** What `updateExpense` publishes beside its ExpenseUpdated when the category changes. */
function correction(recorded: EventOfType<'ExpenseRecorded'>, toCategory: 'dining') {
  return newEvent({
    type: 'ExpenseCategoryCorrected',
    userId: recorded.userId,
    aggregateId: `${recorded.aggregateId}-correction-2`,
    aggregateVersion: 1,
    correlationId: 'correction',
    now: new Date('2026-11-24T10:05:00Z'),
    payload: {
      expenseId: recorded.aggregateId,
      expenseVersion: 2,
      description: recorded.payload.description,
      fromCategory: recorded.payload.category,
      toCategory,
      parsedBy: recorded.payload.origin?.parser ?? null,
      occurredOn: recorded.payload.occurredOn,
    },
  });
}

describe('the per-user vocabulary', () => {
  it('after "bento 12" was corrected to dining once, reads "bento 9" as dining for that person only', async () => {
    const first = await parse('bento 12', 'user-anna');
    expect(first.payload).toMatchObject({
      category: 'other',
      origin: { parser: 'rules', guessed: true },
    });

    const fix = correction(first, 'dining');
    // Delivered twice, as a redelivery would: learning is idempotent.
    await broker.producer.publish([fix]);
    await broker.producer.publish([fix]);
    const vocabulary = vocabularyCollection(broker.database.db);
    await waitFor(async () => (await vocabulary.findOne({ _id: 'user-anna' })) ?? undefined, {
      timeoutMs: 30_000,
      description: "Anna's vocabulary",
    });

    const annas = await parse('bento 9', 'user-anna');
    expect(annas.payload).toMatchObject({
      amountMinor: 900,
      category: 'dining',
      origin: { parser: 'rules-learned' },
    });
    expect(annas.payload.origin?.guessed).toBeUndefined();

    const bobs = await parse('bento 9', 'user-bob');
    expect(bobs.payload).toMatchObject({
      category: 'other',
      origin: { parser: 'rules', guessed: true },
    });
    expect(await vocabulary.findOne({ _id: 'user-anna' })).toMatchObject({
      terms: [{ words: ['bento'], category: 'dining' }],
    });
  });
});
