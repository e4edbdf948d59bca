import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Partitioners, type Admin } from 'kafkajs';
import type { Collection } from 'mongodb';
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
import { encodeEvent, topicNames, type CashTrackEvent } from '../src/index.ts';
import { evolveExpenseView, isExpenseEvent, type ExpenseView } from './expenseView.ts';
import { expenseHistories, publishInChunks } from './kafkaTestHelpers.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const projectorScript = path.join(here, 'fixtures', 'projectorProcess.ts');

interface Projector {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
}

/** Starts fixtures/projectorProcess.ts and resolves once its consumer is running. */
async function startProjector(env: Record<string, string>): Promise<Projector> {
  const child = spawn(process.execPath, ['--import', 'tsx', projectorScript], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await waitFor(() => output.includes('ready\n'), {
    timeoutMs: 30_000,
    description: 'the projector process to start',
  });
  return { child, exited };
}

describe('consumer runner crash recovery and rebalancing', () => {
  const { topicPrefix, database: databaseName } = testNamespace();
  const names = topicNames(topicPrefix);
  const kafka = kafkaForTests();
  let admin: Admin;
  let producer: EventProducer;
  let database: TestDatabase;
  const children: ChildProcess[] = [];
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
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await producer.disconnect();
    await database.close();
    const own = (await admin.listTopics()).filter((topic) => topic.startsWith(topicPrefix));
    await admin.deleteTopics({ topics: own }).catch(() => undefined);
    await admin.disconnect();
  });

  async function expectEachAppliedExactlyOnce(
    views: Collection<ReadModelDocument<ExpenseView>>,
    expenses: number,
  ): Promise<void> {
    const documents = await views.find().toArray();
    expect(documents).toHaveLength(expenses);
    for (const document of documents) {
      const index = Number(document._id.replace('expense-', ''));
      expect(document).toMatchObject({
        aggregateVersion: 3,
        appliedEvents: 3,
        amountMinor: 100 * (index + 1) + 3,
      });
    }
  }

  it('handles every message at least once and projects each exactly once across a SIGKILL', async () => {
    const expenses = 200;
    const events = expenseHistories(expenses);
    await publishInChunks(producer, events);
    const env = {
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
      MONGO_URL: process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017',
      DATABASE: databaseName,
      TOPIC: names.expenses,
      GROUP_ID: `${topicPrefix}projector`,
    };
    const handled = database.db.collection<{ eventId: string; pid: number }>('handled');
    const views = database.db.collection<ReadModelDocument<ExpenseView>>('expenses');

    const first = await startProjector(env);
    children.push(first.child);
    await waitFor(async () => (await handled.countDocuments()) >= 60, {
      timeoutMs: 30_000,
      intervalMs: 5,
      maxIntervalMs: 10,
    });
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    const handledBeforeKill = await handled.countDocuments();
    expect(handledBeforeKill).toBeLessThan(events.length);
    // Offsets are committed once per interval: what the killed member handled past its last
    // commit is all that may come again.
    const [committedAtKill] = await admin.fetchOffsets({
      groupId: env.GROUP_ID,
      topics: [names.expenses],
    });
    const committedCount = (committedAtKill?.partitions ?? []).reduce(
      (sum, partition) => sum + Math.max(0, Number(partition.offset)),
      0,
    );

    const second = await startProjector(env);
    children.push(second.child);
    await waitFor(async () => (await views.countDocuments({ aggregateVersion: 3 })) === expenses, {
      timeoutMs: 60_000,
      description: 'every expense at version 3',
    });
    const handlings = await handled.find().toArray();
    const seen = new Set(handlings.map((entry) => entry.eventId));
    expect(events.filter((event) => !seen.has(event.eventId))).toEqual([]);
    const handledByFirst = new Set(
      handlings.filter((entry) => entry.pid === first.child.pid).map((entry) => entry.eventId),
    );
    const handledAgain = handlings.filter(
      (entry) => entry.pid !== first.child.pid && handledByFirst.has(entry.eventId),
    );
    expect(handledAgain.length).toBeLessThanOrEqual(handledBeforeKill - committedCount);
    await expectEachAppliedExactlyOnce(views, expenses);

    // SIGTERM drains and exits cleanly, with everything handled committed.
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    const [committed] = await admin.fetchOffsets({
      groupId: env.GROUP_ID,
      topics: [names.expenses],
    });
    const ends = await admin.fetchTopicOffsets(names.expenses);
    expect(committed?.partitions.map((p) => [p.partition, p.offset]).sort()).toEqual(
      ends.map((p) => [p.partition, p.high]).sort(),
    );
  }, 120_000);

  it('exits non-zero when the handler fails fatally, so a supervisor restarts it', async () => {
    const projector = await startProjector({
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
      MONGO_URL: process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017',
      DATABASE: databaseName,
      TOPIC: names.expenses,
      GROUP_ID: `${topicPrefix}fatal`,
      MODE: 'fatal',
    });
    children.push(projector.child);
    expect(await projector.exited).toBe(1);
  });

  it('loses nothing when a second consumer joins mid-stream', async () => {
    const topic = names.expenseMessages;
    // Reuses the expense histories on a topic of their own: a rebalance test needs volume only.
    const expenses = 300;
    const events = expenseHistories(expenses);
    const views = database.db.collection<ReadModelDocument<ExpenseView>>('rebalance_views');
    const handledBy = new Map<string, Set<string>>();
    const start = (name: string) =>
      runEventConsumer({
        kafka,
        groupId: `${topicPrefix}rebalance`,
        topics: [topic],
        sessionTimeoutMs: 6_000,
        heartbeatIntervalMs: 300,
        rebalanceTimeoutMs: 10_000,
        handle: async (event: CashTrackEvent) => {
          handledBy.set(event.eventId, (handledBy.get(event.eventId) ?? new Set()).add(name));
          if (!isExpenseEvent(event)) return;
          const result = await applyToReadModel(views, event, evolveExpenseView);
          if (result.outcome === 'gap') throw new Error(`gap at ${event.aggregateId}`);
        },
      });
    // The expense events go to the expense-messages topic through a raw send, since the
    // producer routes by type.
    const raw = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await raw.connect();
    const send = async (batch: readonly CashTrackEvent[]) => {
      await raw.send({
        topic,
        acks: -1,
        messages: batch.map((event) => {
          const encoded = encodeEvent(event);
          return { key: encoded.key, value: encoded.value, headers: { ...encoded.headers } };
        }),
      });
    };
    try {
      const a = await start('a');
      consumers.push(a);
      const half = Math.floor(events.length / 2);
      for (let i = 0; i < half; i += 50) await send(events.slice(i, Math.min(i + 50, half)));
      await waitFor(() => a.stats().processed >= 50, { timeoutMs: 30_000 });
      const b = await start('b');
      consumers.push(b);
      for (let i = half; i < events.length; i += 50) await send(events.slice(i, i + 50));
      await waitFor(
        async () => (await views.countDocuments({ aggregateVersion: 3 })) === expenses,
        { timeoutMs: 60_000, description: 'every expense at version 3' },
      );
      expect(events.filter((event) => !handledBy.has(event.eventId))).toEqual([]);
      expect(b.stats().processed).toBeGreaterThan(0);
      const documents = await views.find().toArray();
      expect(documents).toHaveLength(expenses);
      expect(documents.every((document) => document.appliedEvents === 3)).toBe(true);
    } finally {
      await raw.disconnect();
    }
  }, 120_000);
});
