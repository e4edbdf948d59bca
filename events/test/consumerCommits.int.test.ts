import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Admin } from 'kafkajs';
import {
  kafkaForTests,
  mongoForTests,
  testNamespace,
  waitFor,
  type TestDatabase,
} from '@cashtrack/test-support';
import { applyToReadModel, type ReadModelDocument } from '../src/mongo/index.ts';
import {
  createEventProducer,
  ensureTopics,
  runEventConsumer,
  type EventConsumer,
  type EventProducer,
} from '../src/kafka/index.ts';
import { topicNames, type CashTrackEvent } from '../src/index.ts';
import { evolveExpenseView, isExpenseEvent, type ExpenseView } from './expenseView.ts';
import { expenseHistories, publishInChunks } from './kafkaTestHelpers.ts';
import { manualExpense } from './sampleEvents.ts';

/**
 * The runner commits handled offsets once per interval, not after every batch. An interval far
 * longer than the test makes every commit seen here one of the stop's or the rebalance's.
 */
const commitIntervalMs = 10 * 60_000;

/** Topics and a database of their own for one describe block, and a runner over them. */
function ownTopics() {
  const { topicPrefix, database: databaseName } = testNamespace();
  const topic = topicNames(topicPrefix).expenses;
  const kafka = kafkaForTests();
  let admin: Admin;
  let producer: EventProducer;
  let database: TestDatabase;
  const consumers: EventConsumer[] = [];

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, { prefix: topicPrefix });
    producer = createEventProducer(kafka, { topicPrefix });
    await producer.connect();
    database = await mongoForTests(databaseName);
  });

  afterAll(async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await producer.disconnect();
    await database.close();
    const own = (await admin.listTopics()).filter((name) => name.startsWith(topicPrefix));
    await admin.deleteTopics({ topics: own }).catch(() => undefined);
    await admin.disconnect();
  });

  async function start(
    groupId: string,
    handled: string[],
    apply: (event: CashTrackEvent) => Promise<void> = () => Promise.resolve(),
  ): Promise<EventConsumer> {
    const consumer = await runEventConsumer({
      kafka,
      groupId,
      topics: [topic],
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 300,
      rebalanceTimeoutMs: 10_000,
      maxWaitTimeMs: 200,
      commitIntervalMs,
      handle: async (event: CashTrackEvent) => {
        await apply(event);
        handled.push(event.eventId);
      },
    });
    consumers.push(consumer);
    return consumer;
  }

  async function committedOffsets(groupId: string): Promise<[number, string][]> {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return (committed?.partitions ?? [])
      .map((partition): [number, string] => [partition.partition, partition.offset])
      .sort(([a], [b]) => a - b);
  }

  async function topicEnds(): Promise<[number, string][]> {
    return (await admin.fetchTopicOffsets(topic))
      .map((partition): [number, string] => [partition.partition, partition.high])
      .sort(([a], [b]) => a - b);
  }

  return {
    topicPrefix,
    start,
    committedOffsets,
    topicEnds,
    publish: (events: readonly CashTrackEvent[]) => publishInChunks(producer, events),
    views: () => database.db.collection<ReadModelDocument<ExpenseView>>('views'),
  };
}

describe('a runner committing on an interval, stopped cleanly', () => {
  const topics = ownTopics();

  it('commits everything handled when stopped cleanly, so a restarted member gets none of it again', async () => {
    const groupId = `${topics.topicPrefix}clean-stop`;
    const events = expenseHistories(40);
    await topics.publish(events);
    const first: string[] = [];
    const consumer = await topics.start(groupId, first);
    await waitFor(() => first.length >= events.length, { description: 'every event handled' });
    await consumer.stop();
    expect(await topics.committedOffsets(groupId)).toEqual(await topics.topicEnds());

    const second: string[] = [];
    await topics.start(groupId, second);
    const marker = manualExpense('user-marker', 'expense-marker', 100);
    await topics.publish([marker]);
    await waitFor(() => second.includes(marker.eventId), { description: 'the marker handled' });
    expect(second).toEqual([marker.eventId]);
  }, 90_000);
});

describe('a runner committing on an interval, joined by a second member', () => {
  const topics = ownTopics();

  it('loses nothing and counts nothing twice when a second member joins before any interval commit', async () => {
    const groupId = `${topics.topicPrefix}rebalance`;
    const expenses = 200;
    const events = expenseHistories(expenses);
    const half = Math.floor(events.length / 2);
    const views = topics.views();
    const project = async (event: CashTrackEvent): Promise<void> => {
      if (!isExpenseEvent(event)) return;
      const result = await applyToReadModel(views, event, evolveExpenseView);
      if (result.outcome === 'gap') throw new Error(`gap at ${event.aggregateId}`);
    };
    await topics.publish(events.slice(0, half));
    const handledByA: string[] = [];
    const a = await topics.start(groupId, handledByA, project);
    await waitFor(() => handledByA.length >= 50, { description: 'a to handle some events' });
    const handledByB: string[] = [];
    const b = await topics.start(groupId, handledByB, project);
    await topics.publish(events.slice(half));
    await waitFor(async () => (await views.countDocuments({ aggregateVersion: 3 })) === expenses, {
      timeoutMs: 60_000,
      description: 'every expense at version 3',
    });

    const handled = new Set([...handledByA, ...handledByB]);
    expect(events.filter((event) => !handled.has(event.eventId))).toEqual([]);
    expect(handledByB.length).toBeGreaterThan(0);
    const documents = await views.find().toArray();
    expect(documents).toHaveLength(expenses);
    expect(documents.every((document) => document.appliedEvents === 3)).toBe(true);
    await Promise.all([a.stop(), b.stop()]);
    expect(await topics.committedOffsets(groupId)).toEqual(await topics.topicEnds());
  }, 120_000);
});
