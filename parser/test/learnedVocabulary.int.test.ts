import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Consumer } from 'kafkajs';
import { createEventProducer, ensureTopics, type EventProducer } from '@cashtrack/events/kafka';
import {
  decodeEvent,
  newEvent,
  topicNames,
  type CashTrackEvent,
  type EventOfType,
} from '@cashtrack/events';
import {
  kafkaForTests,
  mongoForTests,
  testNamespace,
  waitFor,
  type TestDatabase,
} from '@cashtrack/test-support';
import { vocabularyCollection } from '../src/vocabulary/vocabularyReadModel.ts';
import { parserWorkerConfigFromEnv } from '../src/worker/config.ts';
import { startParserWorker, type RunningParserWorker } from '../src/worker/parserWorker.ts';

/**
 * Learning from corrections, on the real broker and database: once a person corrected the
 * parser's "bento 12" to dining, their next "bento 9" is dining too (`rules-learned`), while
 * another person's "bento 9" is still a guess in `other`.
 */

const ns = testNamespace();
const topics = topicNames(ns.topicPrefix);
const kafka = kafkaForTests('parser-vocabulary-test');

let worker: RunningParserWorker;
let producer: EventProducer;
let collector: Consumer;
let database: TestDatabase;
const published: CashTrackEvent[] = [];

beforeAll(async () => {
  await ensureTopics(kafka, { prefix: ns.topicPrefix, partitions: 2 });
  database = await mongoForTests(ns.database);
  worker = await startParserWorker(
    { ...parserWorkerConfigFromEnv(), port: 0, database: ns.database, topicPrefix: ns.topicPrefix },
    { env: {}, sessionTimeoutMs: 10_000 },
  );
  producer = createEventProducer(kafka, { topicPrefix: ns.topicPrefix });
  await producer.connect();
  collector = kafka.consumer({ groupId: `${ns.topicPrefix}collector`, maxWaitTimeInMs: 200 });
  await collector.connect();
  await collector.subscribe({ topics: [topics.expenses], fromBeginning: true });
  await collector.run({
    eachMessage: async ({ message }) => {
      published.push(decodeEvent(message));
    },
  });
});

afterAll(async () => {
  await worker?.close();
  await Promise.allSettled([collector?.disconnect(), producer?.disconnect()]);
  await database?.close();
});

let sequence = 0;
async function parse(text: string, userId: string): Promise<EventOfType<'ExpenseRecorded'>> {
  sequence += 1;
  const message = newEvent({
    type: 'ExpenseMessageSubmitted',
    userId,
    aggregateId: `${ns.topicPrefix}message-${sequence}`,
    aggregateVersion: 1,
    correlationId: `correlation-${sequence}`,
    now: new Date('2026-11-24T10:00:00Z'),
    payload: { text, timezone: 'UTC', currency: 'USD' },
  });
  await producer.publish([message]);
  return waitFor(
    () =>
      published.find(
        (event): event is EventOfType<'ExpenseRecorded'> =>
          event.type === 'ExpenseRecorded' &&
          event.payload.origin?.messageId === message.aggregateId,
      ),
    { timeoutMs: 30_000, description: `the expense of "${text}"` },
  );
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
    await producer.publish([fix]);
    await producer.publish([fix]);
    const vocabulary = vocabularyCollection(database.db);
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
