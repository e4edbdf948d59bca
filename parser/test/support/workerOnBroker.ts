import type { KafkaMessage, Kafka } from 'kafkajs';
import { createEventProducer, ensureTopics, type EventProducer } from '@cashtrack/events/kafka';
import {
  decodeEvent,
  deadLetterTopic,
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
  type TestNamespace,
} from '@cashtrack/test-support';
import { parserWorkerConfigFromEnv } from '../../src/worker/config.ts';
import {
  startParserWorker,
  type ParserWorkerOverrides,
  type RunningParserWorker,
} from '../../src/worker/parserWorker.ts';

/**
 * A parser worker on the real broker and database of the global test setup, in a namespace of
 * its own, with a bare kafkajs collector that reads back what it publishes: the outcome events on
 * `expenses` and the messages it parked on the dead letter of `expense-messages`.
 */
export interface WorkerOnBroker {
  readonly ns: TestNamespace;
  readonly topics: ReturnType<typeof topicNames>;
  readonly kafka: Kafka;
  readonly worker: RunningParserWorker;
  /** Publishes the test's input events, as the expense service's relay would. */
  readonly producer: EventProducer;
  readonly database: TestDatabase;
  /** Every event published on `expenses`, in the order the collector read them. */
  readonly published: readonly CashTrackEvent[];
  /** Every raw message parked on the dead letter of `expense-messages`. */
  readonly deadLetters: readonly KafkaMessage[];
  close(): Promise<void>;
}

export async function startWorkerOnBroker(
  clientId: string,
  overrides: ParserWorkerOverrides = {},
): Promise<WorkerOnBroker> {
  const ns = testNamespace();
  const topics = topicNames(ns.topicPrefix);
  const kafka = kafkaForTests(clientId);
  const published: CashTrackEvent[] = [];
  const deadLetters: KafkaMessage[] = [];
  await ensureTopics(kafka, { prefix: ns.topicPrefix, partitions: 2 });
  const database = await mongoForTests(ns.database);
  const worker = await startParserWorker(
    // Brokers and server from the environment the global setup provided.
    { ...parserWorkerConfigFromEnv(), port: 0, database: ns.database, topicPrefix: ns.topicPrefix },
    { env: {}, sessionTimeoutMs: 10_000, ...overrides },
  );
  const producer = createEventProducer(kafka, { topicPrefix: ns.topicPrefix });
  await producer.connect();
  const collector = kafka.consumer({ groupId: `${ns.topicPrefix}collector`, maxWaitTimeInMs: 200 });
  await collector.connect();
  await collector.subscribe({
    topics: [topics.expenses, deadLetterTopic(topics.expenseMessages)],
    fromBeginning: true,
  });
  await collector.run({
    eachMessage: async ({ topic, message }) => {
      if (topic === topics.expenses) published.push(decodeEvent(message));
      else deadLetters.push(message);
    },
  });
  return {
    ns,
    topics,
    kafka,
    worker,
    producer,
    database,
    published,
    deadLetters,
    async close() {
      await worker.close();
      await Promise.allSettled([collector.disconnect(), producer.disconnect()]);
      await database.close();
    },
  };
}

export interface SubmittedMessage {
  /** Unique within the test file; the message's aggregate id and correlation id derive from it. */
  readonly key: string;
  readonly text: string;
  readonly userId: string;
  readonly timezone: string;
  readonly currency: string;
}

/** An `ExpenseMessageSubmitted` written on 2026-11-24 at 10:00 UTC, as the expense service would. */
export function submittedMessage(
  ns: TestNamespace,
  message: SubmittedMessage,
): EventOfType<'ExpenseMessageSubmitted'> {
  return newEvent({
    type: 'ExpenseMessageSubmitted',
    userId: message.userId,
    aggregateId: `${ns.topicPrefix}message-${message.key}`,
    aggregateVersion: 1,
    correlationId: `correlation-${message.key}`,
    now: new Date('2026-11-24T10:00:00Z'),
    payload: { text: message.text, timezone: message.timezone, currency: message.currency },
  });
}

/** The first `ExpenseRecorded` the worker published for the message `messageId`. */
export function expenseRecordedFor(
  broker: WorkerOnBroker,
  messageId: string,
): Promise<EventOfType<'ExpenseRecorded'>> {
  return waitFor(
    () =>
      broker.published.find(
        (event): event is EventOfType<'ExpenseRecorded'> =>
          event.type === 'ExpenseRecorded' && event.payload.origin?.messageId === messageId,
      ),
    { timeoutMs: 30_000, description: `the expense of message ${messageId}` },
  );
}
