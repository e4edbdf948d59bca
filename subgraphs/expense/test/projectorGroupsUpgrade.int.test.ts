import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Admin } from 'kafkajs';
import {
  createEventProducer,
  ensureTopics,
  runEventConsumer,
  type EventConsumer,
  type EventProducer,
} from '@cashtrack/events/kafka';
import { topicNames, type CashTrackEvent } from '@cashtrack/events';
import {
  kafkaForTests,
  mongoForTests,
  testNamespace,
  waitFor,
  type TestDatabase,
} from '@cashtrack/test-support';
import type { ExpenseChange } from '../src/projections/expenseChanges.ts';
import {
  createExpenseProjection,
  startExpenseProjector,
} from '../src/projections/expenseProjector.ts';
import {
  projectorStepsChannel,
  type ProjectorStepTimings,
} from '../src/projections/projectorStepTimings.ts';
import { expenseReadModels } from '../src/readModels/readModels.ts';
import { parsedFrom, recorded, registered, rejected, submitted } from './support/sampleEvents.ts';

/**
 * A database and topics the projector of one consumer group (`expense-projector`, every topic)
 * has projected, which a projector of the current groups takes over: the new group of the
 * message submissions starts where the old group had committed.
 */
describe('the projector groups, started on a database the single group projected', () => {
  const namespace = testNamespace();
  const kafka = kafkaForTests('projector-groups-test');
  const topics = topicNames(namespace.topicPrefix);
  let database: TestDatabase;
  let producer: EventProducer;
  let admin: Admin;
  const running: EventConsumer[] = [];
  const changes: ExpenseChange[] = [];
  const projected: string[] = [];
  const onSteps = (message: unknown): void =>
    void projected.push(...(message as ProjectorStepTimings).eventIds);

  beforeAll(async () => {
    database = await mongoForTests(namespace.database);
    await ensureTopics(kafka, { prefix: namespace.topicPrefix });
    producer = createEventProducer(kafka, { topicPrefix: namespace.topicPrefix });
    await producer.connect();
    admin = kafka.admin();
    await admin.connect();
    projectorStepsChannel.subscribe(onSteps);
  });

  afterAll(async () => {
    projectorStepsChannel.unsubscribe(onSteps);
    await Promise.all(running.map((consumer) => consumer.stop()));
    await admin?.disconnect();
    await producer?.disconnect();
    await database?.close();
  });

  const reportChanges = async (
    reported: readonly ExpenseChange[],
    readModelsWritten?: Promise<void>,
  ): Promise<void> => {
    await readModelsWritten;
    changes.push(...reported);
  };

  /** The layout before the split: one group reading every topic into every read model. */
  async function startSingleGroupProjector(): Promise<EventConsumer> {
    const projection = createExpenseProjection(database.db, reportChanges);
    const consumer = await runEventConsumer({
      kafka,
      groupId: `${namespace.topicPrefix}expense-projector`,
      topics: [topics.users, topics.expenseMessages, topics.expenses],
      handleBatch: (events) => projection.projectBatch(events),
      fromBeginning: true,
      sessionTimeoutMs: 10_000,
    });
    running.push(consumer);
    return consumer;
  }

  async function startProjector(): Promise<EventConsumer> {
    const consumer = await startExpenseProjector({
      kafka,
      db: database.db,
      topicPrefix: namespace.topicPrefix,
      sessionTimeoutMs: 10_000,
      exitOnFatal: false,
      reportChanges,
    });
    running.push(consumer);
    return consumer;
  }

  async function stop(consumer: EventConsumer): Promise<void> {
    await consumer.stop();
    running.splice(running.indexOf(consumer), 1);
  }

  const timesProjected = (events: readonly CashTrackEvent[]) =>
    events.map(({ eventId }) => projected.filter((id) => id === eventId).length);
  const allProjected = (events: readonly CashTrackEvent[]) => () =>
    timesProjected(events).every((times) => times > 0);

  it('projects what came after the upgrade once, and nothing from before it again', async () => {
    const before = [
      registered('ann'),
      submitted('ann', 'message-1'),
      parsedFrom('ann', 'message-1', 0, 1),
      submitted('ann', 'message-2'),
      rejected('ann', 'message-2'),
      recorded('ann', 'expense-1'),
    ];
    await producer.publish(before);
    const single = await startSingleGroupProjector();
    await waitFor(() => single.stats().processed >= before.length, {
      timeoutMs: 30_000,
      description: 'the single group to project every event',
    });
    // A clean stop commits everything it handled.
    await stop(single);
    const changesBefore = changes.length;
    projected.length = 0;

    await startProjector();
    const after = [
      registered('ben'),
      submitted('ann', 'message-3'),
      parsedFrom('ann', 'message-3', 0, 2),
      parsedFrom('ann', 'message-3', 1, 2),
      submitted('ben', 'message-4'),
      rejected('ben', 'message-4'),
    ];
    await producer.publish(after);
    await waitFor(allProjected(after), {
      timeoutMs: 30_000,
      description: 'every event published after the upgrade projected',
    });

    // Each topic is read in order, so a replay of the earlier submissions would come first.
    expect(timesProjected(before)).toEqual(before.map(() => 0));
    expect(timesProjected(after)).toEqual(after.map(() => 1));
    // Two users, two partitions: the changes of each are in order, not across them.
    const reported = changes.slice(changesBefore).map(({ eventId, kind }) => `${kind} ${eventId}`);
    expect(reported.sort()).toEqual(
      [
        `ADDED ${after[2]?.eventId}`,
        `ADDED ${after[3]?.eventId}`,
        `REJECTED ${after[5]?.eventId}`,
      ].sort(),
    );
    const models = expenseReadModels(database.db);
    expect(await models.expenses.countDocuments({})).toBe(4);
    const message = await models.expenseMessages.findOne({ _id: 'message-3' });
    expect(message).toMatchObject({
      submittedEventId: after[1]?.eventId,
      expectedCount: 2,
      parsedExpenseIds: { 0: after[2]?.aggregateId, 1: after[3]?.aggregateId },
    });
  }, 90_000);

  it('keeps the new group’s own place when it starts again', async () => {
    const [current] = running;
    if (current !== undefined) await stop(current);
    projected.length = 0;
    await startProjector();
    const next = [submitted('ann', 'message-5'), parsedFrom('ann', 'message-5', 0, 1)];
    await producer.publish(next);
    await waitFor(allProjected(next), {
      timeoutMs: 30_000,
      description: 'the next message and its expense projected',
    });
    // Two groups, so no order between them.
    expect([...projected].sort()).toEqual(next.map(({ eventId }) => eventId).sort());
  }, 60_000);
});
