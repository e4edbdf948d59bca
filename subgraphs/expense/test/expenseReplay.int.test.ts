import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Document } from 'mongodb';
import {
  createEventProducer,
  ensureTopics,
  type CashTrackEvent,
  type EventConsumer,
  type EventProducer,
} from '@cashtrack/events';
import {
  kafkaForTests,
  mongoForTests,
  testNamespace,
  waitFor,
  type TestDatabase,
} from '@cashtrack/test-support';
import { startExpenseProjector } from '../src/projections/expenseProjector.ts';
import { rebuildExpenseReadModels } from '../src/projections/rebuildExpenseReadModels.ts';
import { readModelNames } from '../src/readModels/readModelNames.ts';
import {
  expenseReadModels,
  prepareExpenseReadModels,
  type ExpenseReadModels,
} from '../src/readModels/readModels.ts';
import {
  deleted,
  groceries,
  parsedFrom,
  recorded,
  registered,
  rejected,
  submitted,
  updated,
} from './support/sampleEvents.ts';

describe('npm run replay:expenses', () => {
  const namespace = testNamespace();
  const kafka = kafkaForTests('expense-replay-test');
  let database: TestDatabase;
  let models: ExpenseReadModels;
  let producer: EventProducer;
  let projector: EventConsumer;

  beforeAll(async () => {
    database = await mongoForTests(namespace.database);
    models = expenseReadModels(database.db);
    await prepareExpenseReadModels(models);
    await ensureTopics(kafka, { prefix: namespace.topicPrefix });
    producer = createEventProducer(kafka, { topicPrefix: namespace.topicPrefix });
    await producer.connect();
    projector = await startExpenseProjector({
      kafka,
      models,
      topicPrefix: namespace.topicPrefix,
      sessionTimeoutMs: 10_000,
      exitOnFatal: false,
      reportChanges: async () => undefined,
    });
  });

  afterAll(async () => {
    await projector?.stop();
    await producer?.disconnect();
    await database?.close();
  });

  function history(): CashTrackEvent[] {
    const events: CashTrackEvent[] = [registered('ann', 'EUR', 'Europe/Paris'), registered('ben')];
    for (let index = 0; index < 30; index += 1) {
      const userId = index % 2 === 0 ? 'ann' : 'ben';
      const id = `expense-${index}`;
      const occurredOn = `2026-${String(1 + (index % 12)).padStart(2, '0')}-1${index % 10}`;
      const values = { ...groceries, amountMinor: 100 + index, occurredOn };
      events.push(recorded(userId, id, values));
      if (index % 3 === 0) events.push(updated(userId, id, 2, { ...values, category: 'dining' }));
      // A racing writer's event at a version already taken: ignored live and on replay alike.
      if (index % 5 === 0) events.push(updated(userId, id, 2, { ...values, amountMinor: 1 }));
      if (index % 4 === 0) events.push(deleted(userId, id, index % 3 === 0 ? 3 : 2));
    }
    events.push(submitted('ann', 'message-1'), parsedFrom('ann', 'message-1', 0, 1));
    events.push(rejected('ben', 'message-2'), submitted('ben', 'message-2', 'hello'));
    return events;
  }

  async function contents(): Promise<Record<string, Document[]>> {
    const result: Record<string, Document[]> = {};
    for (const name of Object.values(readModelNames)) {
      const documents = await database.db
        .collection<Document>(name)
        .find({})
        .sort({ _id: 1 })
        .toArray();
      // A bucket's revision is a random token per write, not part of what it holds.
      result[name] = documents.map(({ revision, ...content }) => content);
    }
    return result;
  }

  it('rebuilds every read model from offset 0 into documents equal to the live ones', async () => {
    const events = history();
    await producer.publish(events);
    await waitFor(() => projector.stats().processed >= events.length, {
      timeoutMs: 30_000,
      description: 'the live projector to handle every event',
    });
    const live = await contents();
    expect(live.expenses).toHaveLength(31); // 30 manual, 1 parsed
    expect(live.userSettings).toHaveLength(2);
    expect(live.expenseMessages).toHaveLength(2);

    // Something the topics do not hold, to see the live collection really replaced.
    await database.db.collection(readModelNames.expenses).insertOne({ stray: true });
    const results = await rebuildExpenseReadModels({
      kafka,
      db: database.db,
      topicPrefix: namespace.topicPrefix,
    });
    expect(results[readModelNames.expenses]?.projected).toBeGreaterThan(30);
    expect(await contents()).toEqual(live);
    // Indexes come back with the rebuilt collection.
    const indexes = await models.expenses.indexes();
    expect(indexes.map((index) => index.name)).toEqual(
      expect.arrayContaining(['byUserDate', 'byUserCategoryDate']),
    );
  });
});
