import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Document } from 'mongodb';
import {
  createEventProducer,
  ensureTopics,
  type EventConsumer,
  type EventProducer,
} from '@cashtrack/events/kafka';
import { type CashTrackEvent } from '@cashtrack/events';
import {
  kafkaForTests,
  mongoForTests,
  testNamespace,
  waitFor,
  type TestDatabase,
} from '@cashtrack/test-support';
import { startExpenseProjector } from '../src/projections/expenseProjector.ts';
import {
  rebuildExpenseReadModels,
  rebuildOutdatedReadModels,
} from '../src/projections/rebuildExpenseReadModels.ts';
import { readModelVersionsCollectionName } from '../src/projections/readModelVersions.ts';
import { readModelNames } from '../src/readModels/readModelNames.ts';
import { expenseReadModels, type ExpenseReadModels } from '../src/readModels/readModels.ts';
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
    await ensureTopics(kafka, { prefix: namespace.topicPrefix });
    producer = createEventProducer(kafka, { topicPrefix: namespace.topicPrefix });
    await producer.connect();
    projector = await startProjector();
  });

  const startProjector = () =>
    startExpenseProjector({
      kafka,
      db: database.db,
      topicPrefix: namespace.topicPrefix,
      sessionTimeoutMs: 10_000,
      exitOnFatal: false,
      reportChanges: async () => undefined,
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

  it('rebuilds the expenses of version 2 with the parser and the guess of each', async () => {
    const origin = { messageId: 'message-dan', position: 0, count: 1, tokensUsed: 0 } as const;
    const guess = recorded(
      'dan',
      'expense-dan',
      { ...groceries, category: 'other' },
      {
        ...origin,
        parser: 'rules-learned',
        guessed: true,
      },
    );
    await producer.publish([guess]);
    const expenses = database.db.collection<{ _id: string; [field: string]: unknown }>(
      readModelNames.expenses,
    );
    await waitFor(async () => (await expenses.findOne({ _id: 'expense-dan' })) !== null, {
      timeoutMs: 30_000,
      description: 'the live projector to record the guess',
    });
    const live = await contents();

    // Version 2 kept neither field.
    await expenses.updateMany({}, { $unset: { parsedBy: '', guessed: '' } });
    const versions = database.db.collection<{ _id: string; version: number }>(
      readModelVersionsCollectionName,
    );
    await versions.updateOne({ _id: readModelNames.expenses }, { $set: { version: 2 } });

    await projector.stop();
    projector = await startProjector();
    expect(await expenses.findOne({ _id: 'expense-dan' })).toMatchObject({
      parsedBy: 'rules-learned',
      guessed: true,
    });
    expect(await contents()).toEqual(live);
    expect(await versions.findOne({ _id: readModelNames.expenses })).toEqual({
      _id: readModelNames.expenses,
      version: 5,
    });
  });

  it('rebuilds the totals of version 3, whose buckets held a subdocument per cell and an array of cursors', async () => {
    const live = await contents();
    const totals = database.db.collection<{ _id: string; [field: string]: unknown }>(
      readModelNames.spendingTotals,
    );
    expect(await totals.countDocuments({ cells: { $exists: true } })).toBeGreaterThan(0);
    await totals.updateMany(
      {},
      { $unset: { cells: '' }, $set: { byCategory: {}, byDay: {}, appliedChanges: [] } },
    );
    const versions = database.db.collection<{ _id: string; version: number }>(
      readModelVersionsCollectionName,
    );
    await versions.updateOne({ _id: readModelNames.expenses }, { $set: { version: 3 } });

    await projector.stop();
    projector = await startProjector();
    expect(await contents()).toEqual(live);
    expect(await versions.findOne({ _id: readModelNames.expenses })).toEqual({
      _id: readModelNames.expenses,
      version: 5,
    });
  });

  it('rebuilds at the next start a read model the database holds at an older version', async () => {
    const mine = [recorded('cat', 'expense-cat'), deleted('cat', 'expense-cat', 2)];
    await producer.publish(mine);
    await waitFor(async () => (await models.expenses.findOne({ _id: 'expense-cat' }))?.deleted, {
      timeoutMs: 30_000,
      description: 'the live projector to handle the events',
    });
    const live = await contents();
    const versions = database.db.collection(readModelVersionsCollectionName);
    expect(await versions.find({}).sort({ _id: 1 }).toArray()).toEqual([
      { _id: readModelNames.expenseMessages, version: 1 },
      { _id: readModelNames.expenses, version: 5 },
      { _id: readModelNames.userSettings, version: 1 },
    ]);

    // The layout before version 2 (which also lacked version 3's parser and guess): the totals kept a contribution document per expense beside
    // their buckets, told apart by `kind`, and no version was recorded.
    const totals = database.db.collection<{ _id: string; [field: string]: unknown }>(
      readModelNames.spendingTotals,
    );
    await totals.updateMany({}, { $set: { kind: 'month' } });
    await totals.insertOne({
      _id: 'expense-cat',
      kind: 'contribution',
      userId: 'cat',
      contribution: null,
      aggregateVersion: 2,
    });
    await totals.createIndex({ kind: 1, userId: 1, month: 1 }, { name: 'byUserMonth' });
    await versions.deleteMany({});

    await projector.stop();
    projector = await startProjector();
    expect(await contents()).toEqual(live);
    expect((await totals.indexes()).map((index) => index.name).sort()).toEqual([
      '_id_',
      'byUserAndMonth',
    ]);
    expect(await versions.countDocuments({})).toBe(3);
    expect(
      await rebuildOutdatedReadModels({
        kafka,
        db: database.db,
        topicPrefix: namespace.topicPrefix,
      }),
    ).toEqual([]);
  });
});
