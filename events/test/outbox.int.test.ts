import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Admin, Kafka } from 'kafkajs';
import {
  kafkaForTests,
  mongoForTests,
  testNamespace,
  waitFor,
  type TestDatabase,
} from '@cashtrack/test-support';
import { createEventProducer, ensureTopics, type EventProducer } from '../src/kafka/index.ts';
import {
  decodeEvent,
  documentWithOutbox,
  topicNames,
  withOutbox,
  type CashTrackEvent,
  type OutboxEntry,
} from '../src/index.ts';
import {
  prepareOutboxCollections,
  relayPendingOnce,
  startOutboxRelay,
} from '../src/mongo/index.ts';
import { readTopic } from './kafkaTestHelpers.ts';
import { expenseAmountChanged, manualExpense } from './sampleEvents.ts';

interface ExpenseDocument {
  _id: string;
  userId: string;
  amountMinor: number;
  version: number;
  outbox: OutboxEntry[];
  outboxPending?: true;
}

describe('the outbox and its relay', () => {
  const { topicPrefix, database: databaseName } = testNamespace();
  const names = topicNames(topicPrefix);
  const kafka: Kafka = kafkaForTests();
  let admin: Admin;
  let database: TestDatabase;
  let producer: EventProducer;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, { prefix: topicPrefix, partitions: 2 });
    database = await mongoForTests(databaseName);
    producer = createEventProducer(kafka, { topicPrefix });
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await database.close();
    const own = (await admin.listTopics()).filter((topic) => topic.startsWith(topicPrefix));
    await admin.deleteTopics({ topics: own }).catch(() => undefined);
    await admin.disconnect();
  });

  it('publishes what a writer left behind when it crashed before publishing', async () => {
    const expenses = database.db.collection<ExpenseDocument>('expenses');
    // The "writer": state and events in one insert, then one conditional update; it dies
    // before any relay runs.
    const recorded = manualExpense('crash-user', 'crash-1', 100);
    await expenses.insertOne(
      documentWithOutbox({ _id: 'crash-1', userId: 'crash-user', amountMinor: 100, version: 1 }, [
        recorded,
      ]),
    );
    const updated = expenseAmountChanged('crash-user', 'crash-1', 2, 250);
    const write = await expenses.updateOne(
      { _id: 'crash-1', version: 1 },
      withOutbox({ $set: { amountMinor: 250, version: 2 } }, [updated]),
    );
    expect(write.modifiedCount).toBe(1);
    expect((await expenses.findOne({ _id: 'crash-1' }))?.outbox).toHaveLength(2);

    // A relay started later (after the "restart") finds and publishes them.
    const relay = startOutboxRelay({ collections: [expenses], producer, intervalMs: 20 });
    try {
      await waitFor(async () => (await expenses.findOne({ _id: 'crash-1' }))?.outbox.length === 0);
    } finally {
      await relay.stop();
    }
    const messages = await readTopic(kafka, names.expenses, 2, `${topicPrefix}crash-reader`);
    const events = messages.map((message) => decodeEvent(message));
    expect(events.map((event) => event.eventId)).toEqual([recorded.eventId, updated.eventId]);
    const relayed = await expenses.findOne({ _id: 'crash-1' });
    expect(relayed).toMatchObject({ amountMinor: 250, version: 2, outbox: [] });
    expect(relayed).not.toHaveProperty('outboxPending');
  });

  it('relays events of documents written before the pending flag existed', async () => {
    const expenses = database.db.collection<ExpenseDocument>('expenses-unflagged');
    const recorded = manualExpense('old-user', 'old-1', 100);
    // As an earlier version wrote it: the outbox without the flag.
    const { outboxPending: _flag, ...unflagged } = documentWithOutbox(
      { _id: 'old-1', userId: 'old-user', amountMinor: 100, version: 1 },
      [recorded],
    );
    await expenses.insertOne(unflagged);
    const published: string[] = [];
    const recording = {
      publish: (events: readonly CashTrackEvent[]) => {
        published.push(...events.map((event) => event.eventId));
        return Promise.resolve();
      },
    };

    await prepareOutboxCollections([expenses]);
    await relayPendingOnce({ collections: [expenses], producer: recording });

    expect(published).toEqual([recorded.eventId]);
    const relayed = await expenses.findOne({ _id: 'old-1' });
    expect(relayed?.outbox).toEqual([]);
    expect(relayed).not.toHaveProperty('outboxPending');
  });

  it('publishes again after a crash between publishing and marking sent: duplicates, no loss', async () => {
    const expenses = database.db.collection<ExpenseDocument>('expenses-twice');
    const recorded = manualExpense('twice-user', 'twice-1', 100);
    await expenses.insertOne(
      documentWithOutbox({ _id: 'twice-1', userId: 'twice-user', amountMinor: 100, version: 1 }, [
        recorded,
      ]),
    );
    await prepareOutboxCollections([expenses]);
    const published: CashTrackEvent[] = [];
    const crashingAfterPublish = {
      publish: async (events: readonly CashTrackEvent[]) => {
        published.push(...events);
        return Promise.reject(new Error('process died after the broker took the events'));
      },
    };
    await expect(
      relayPendingOnce({ collections: [expenses], producer: crashingAfterPublish }),
    ).rejects.toThrow('process died');
    expect((await expenses.findOne({ _id: 'twice-1' }))?.outbox).toHaveLength(1);

    const recording = {
      publish: (events: readonly CashTrackEvent[]) => {
        published.push(...events);
        return Promise.resolve();
      },
    };
    expect(await relayPendingOnce({ collections: [expenses], producer: recording })).toEqual({
      published: 1,
      failed: 0,
    });
    expect(published.map((event) => event.eventId)).toEqual([recorded.eventId, recorded.eventId]);
    expect(await relayPendingOnce({ collections: [expenses], producer: recording })).toEqual({
      published: 0,
      failed: 0,
    });
  });

  it('keeps events appended while a pass was publishing', async () => {
    const expenses = database.db.collection<ExpenseDocument>('expenses-race');
    const first = manualExpense('race-user', 'race-1', 100);
    const second = expenseAmountChanged('race-user', 'race-1', 2, 200);
    await expenses.insertOne(
      documentWithOutbox({ _id: 'race-1', userId: 'race-user', amountMinor: 100, version: 1 }, [
        first,
      ]),
    );
    await prepareOutboxCollections([expenses]);
    const published: string[] = [];
    await relayPendingOnce({
      collections: [expenses],
      producer: {
        publish: async (events) => {
          published.push(...events.map((event) => event.eventId));
          // A writer appends while this pass is between its read and its removal.
          await expenses.updateOne(
            { _id: 'race-1', version: 1 },
            withOutbox({ $set: { amountMinor: 200, version: 2 } }, [second]),
          );
        },
      },
    });
    expect(published).toEqual([first.eventId]);
    const afterFirstPass = await expenses.findOne({ _id: 'race-1' });
    expect(afterFirstPass?.outbox.map((e) => e.eventId)).toEqual([second.eventId]);
    expect(afterFirstPass?.outboxPending).toBe(true);

    await relayPendingOnce({
      collections: [expenses],
      producer: {
        publish: (events) => {
          published.push(...events.map((event) => event.eventId));
          return Promise.resolve();
        },
      },
    });
    expect(published).toEqual([first.eventId, second.eventId]);
    expect(await expenses.findOne({ _id: 'race-1' })).not.toHaveProperty('outboxPending');
  });

  it('refuses to store an invalid event in the outbox', () => {
    const invalid = { ...manualExpense('u', 'x', 100), userId: '' } as CashTrackEvent;
    expect(() => withOutbox({ $set: {} }, [invalid])).toThrow(/userId/);
  });
});
