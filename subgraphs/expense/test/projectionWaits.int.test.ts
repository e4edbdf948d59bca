import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createEventProducer, ensureTopics, type EventProducer } from '@cashtrack/events/kafka';
import {
  kafkaForTests,
  mongoForTests,
  testNamespace,
  waitFor,
  type TestDatabase,
} from '@cashtrack/test-support';
import { createExpenseCommands } from '../src/commands/expenseCommands.ts';
import { expenseConfigFromEnv } from '../src/config.ts';
import { startExpenseSubgraph, type RunningExpenseSubgraph } from '../src/expenseSubgraph.ts';
import {
  announceChanges,
  ChangeNotificationHub,
  changeNotificationsTopic,
} from '../src/subscriptions/changeNotifications.ts';
import { registered } from './support/sampleEvents.ts';
import { startTestTokenIssuer, type TestTokenIssuer } from './support/testTokens.ts';

/**
 * A mutation waits for its event in the read models (read-your-writes). Here it waits on a
 * replica that projects nothing: the projecting replica's notices reach it only through Kafka,
 * and a replica that hears none still answers, by polling. The waits are allowed ten minutes,
 * longer than the tests, so an answer can only come from finding the event, never from the
 * wait running out.
 */
describe('mutations waiting on another replica’s projector, over the real broker', () => {
  const namespace = testNamespace();
  const kafka = kafkaForTests('projection-waits-test');
  const changesTopic = `${namespace.topicPrefix}${changeNotificationsTopic}`;
  let database: TestDatabase;
  let tokens: TestTokenIssuer;
  let projecting: RunningExpenseSubgraph;
  let producer: EventProducer;
  /** The waiting replica's ear: a group of its own on the announcements, as every replica has. */
  let waitingHub: ChangeNotificationHub;
  const alice = `alice-${randomUUID()}`;
  const caller = () => ({ userId: alice, correlationId: randomUUID() });

  beforeAll(async () => {
    database = await mongoForTests(namespace.database);
    tokens = await startTestTokenIssuer();
    await ensureTopics(kafka, { prefix: namespace.topicPrefix });
    producer = createEventProducer(kafka, { topicPrefix: namespace.topicPrefix });
    await producer.connect();
    await producer.publish([registered(alice, 'EUR', 'Europe/Berlin')]);
    projecting = await startExpenseSubgraph({
      ...expenseConfigFromEnv(),
      port: 0,
      database: namespace.database,
      topicPrefix: namespace.topicPrefix,
      jwksUrl: tokens.jwksUrl,
      projectorSessionTimeoutMs: 10_000,
    });
    await waitFor(() => projecting.models.userSettings.findOne({ _id: alice }), {
      timeoutMs: 30_000,
      description: "Alice's settings",
    });
    waitingHub = new ChangeNotificationHub(kafka, changesTopic, namespace.topicPrefix);
    await waitingHub.start();
    // Its group starts at the newest offset once it has joined: announce until it hears.
    const someone = `someone-${randomUUID()}`;
    let joined = false;
    const stopListening = waitingHub.listenForProjections(someone, () => (joined = true));
    const announcer = kafka.producer();
    await announcer.connect();
    await waitFor(
      async () => {
        if (joined) return true;
        await announceChanges(announcer, changesTopic, [
          { userId: someone, cursor: '0', readModelsOnly: true },
        ]);
        return false;
      },
      { timeoutMs: 30_000, intervalMs: 200, description: 'the waiting replica to hear notices' },
    );
    stopListening();
    await announcer.disconnect();
  }, 90_000);

  afterAll(async () => {
    await waitingHub?.stop();
    await projecting?.close();
    await producer?.disconnect();
    await tokens?.close();
    await database?.close();
  });

  it('reads its writes when the projector runs on another replica, woken by its notices', async () => {
    const commands = createExpenseCommands({
      models: projecting.models,
      producer,
      projectionWaitMs: 600_000,
      projectionNotices: waitingHub,
      now: () => new Date(),
    });
    let projectionNotices = 0;
    let changeNotices = 0;
    const stopProjections = waitingHub.listenForProjections(alice, () => void projectionNotices++);
    const stopChanges = waitingHub.listen(alice, () => void changeNotices++);
    try {
      const added = await commands.addExpense(caller(), { amount: '7.5', category: 'dining' });
      expect(added).toMatchObject({ amountMinor: 750, currency: 'EUR', pending: false });
      await waitFor(() => changeNotices > 0, { description: 'the ADDED notice' });

      // A submitted message changes nothing subscribers hear: its notice is for read models only.
      const [projectionsBefore, changesBefore] = [projectionNotices, changeNotices];
      const message = await commands.logExpense(caller(), 'tea 3');
      expect(await projecting.models.expenseMessages.findOne({ _id: message.id })).toMatchObject({
        text: 'tea 3',
      });
      await waitFor(() => projectionNotices > projectionsBefore, {
        description: 'the notice of the submitted message',
      });
      expect(changeNotices).toBe(changesBefore);
    } finally {
      stopProjections();
      stopChanges();
    }
  }, 60_000);

  it('still answers from the read model when no notice reaches it, by polling', async () => {
    // Never started, so it hears nothing: every notice is lost on the way to this replica.
    const deafHub = new ChangeNotificationHub(kafka, changesTopic, namespace.topicPrefix);
    const commands = createExpenseCommands({
      models: projecting.models,
      producer,
      projectionWaitMs: 600_000,
      projectionNotices: deafHub,
      now: () => new Date(),
    });
    const added = await commands.addExpense(caller(), { amount: '3', category: 'other' });
    expect(added).toMatchObject({ amountMinor: 300, pending: false });
    const message = await commands.logExpense(caller(), 'bagel 2');
    expect(await projecting.models.expenseMessages.findOne({ _id: message.id })).toMatchObject({
      text: 'bagel 2',
    });
  }, 60_000);
});
