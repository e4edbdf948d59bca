import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Partitioners, type Admin } from 'kafkajs';
import {
  kafkaForTests,
  mongoForTests,
  testNamespace,
  type TestDatabase,
} from '@cashtrack/test-support';
import { applyToReadModel, type ReadModelDocument } from '../src/mongo/index.ts';
import {
  createEventProducer,
  ensureTopics,
  rebuildReadModel,
  type EventProducer,
} from '../src/kafka/index.ts';
import { topicNames } from '../src/index.ts';
import { evolveExpenseView, isExpenseEvent, type ExpenseView } from './expenseView.ts';
import { expenseHistories, publishInChunks } from './kafkaTestHelpers.ts';

describe('rebuilding a read model from offset 0', () => {
  const { topicPrefix, database: databaseName } = testNamespace();
  const names = topicNames(topicPrefix);
  const kafka = kafkaForTests();
  let admin: Admin;
  let producer: EventProducer;
  let database: TestDatabase;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, { prefix: topicPrefix });
    producer = createEventProducer(kafka, { topicPrefix });
    await producer.connect();
    database = await mongoForTests(databaseName);
  });

  afterAll(async () => {
    await producer.disconnect();
    await database.close();
    const own = (await admin.listTopics()).filter((topic) => topic.startsWith(topicPrefix));
    await admin.deleteTopics({ topics: own }).catch(() => undefined);
    await admin.disconnect();
  });

  it('replays every event into a fresh collection, skips poison, and swaps it in', async () => {
    const expenses = 50;
    await publishInChunks(producer, expenseHistories(expenses));
    const raw = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await raw.connect();
    await raw.send({ topic: names.expenses, messages: [{ key: 'u', value: 'poison' }] });
    await raw.disconnect();

    // The live read model is wrong (a stale document, a bogus one) and must be replaced whole.
    const live = database.db.collection<ReadModelDocument<ExpenseView>>('expense_views');
    await live.insertMany([
      {
        _id: 'expense-0',
        userId: 'x',
        amountMinor: 1,
        deleted: false,
        appliedEvents: 9,
        aggregateVersion: 1,
      },
      {
        _id: 'bogus',
        userId: 'x',
        amountMinor: 1,
        deleted: false,
        appliedEvents: 1,
        aggregateVersion: 1,
      },
    ]);

    const result = await rebuildReadModel<ReadModelDocument<ExpenseView>>({
      kafka,
      db: database.db,
      collectionName: 'expense_views',
      topics: [names.expenses],
      groupIdPrefix: topicPrefix,
      prepare: async (collection) => {
        await collection.createIndex({ userId: 1 });
      },
      project: async (event, collection) => {
        if (!isExpenseEvent(event)) return;
        await applyToReadModel(collection, event, evolveExpenseView);
      },
    });

    expect(result).toEqual({ projected: expenses * 3, skipped: 1 });
    const documents = await live.find().sort({ _id: 1 }).toArray();
    expect(documents).toHaveLength(expenses);
    expect(documents.find((document) => document._id === 'bogus')).toBeUndefined();
    expect(documents.every((document) => document.appliedEvents === 3)).toBe(true);
    expect((await live.indexes()).map((index) => index.name)).toContain('userId_1');
    const collections = (await database.db.listCollections().toArray()).map((c) => c.name);
    expect(collections.filter((name) => name.includes('__rebuild_'))).toEqual([]);
    const groups = (await admin.listGroups()).groups.map((group) => group.groupId);
    expect(groups.filter((group) => group.startsWith(`${topicPrefix}rebuild-`))).toEqual([]);
  });
});
