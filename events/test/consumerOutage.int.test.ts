import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Admin } from 'kafkajs';
import { kafkaForTests, testNamespace, waitFor } from '@cashtrack/test-support';
import {
  createEventProducer,
  ensureTopics,
  runEventConsumer,
  type EventConsumer,
  type EventProducer,
} from '../src/kafka/index.ts';
import { topicNames } from '../src/index.ts';
import { sampleOfEveryType } from './sampleEvents.ts';

/** An error as the MongoDB driver names it, without importing the driver. */
function driverError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(Object.defineProperty(new Error(message), 'name', { value: name }), extra);
}

/**
 * Found by `npm run chaos`: SIGKILLing FerretDB for a second made the expense projector exit
 * ("consumer failed; stopping without committing further"): outages were fatal, so the whole
 * expense subgraph went down with it and stayed down where nothing restarted it. A consumer now
 * waits an outage out on the same message: nothing dead-lettered, nothing skipped, still running.
 */
describe('a consumer whose database is unreachable for a while', () => {
  const { topicPrefix } = testNamespace();
  const names = topicNames(topicPrefix);
  const kafka = kafkaForTests();
  let admin: Admin;
  let producer: EventProducer;
  const consumers: EventConsumer[] = [];

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, { prefix: topicPrefix });
    producer = createEventProducer(kafka, { topicPrefix });
    await producer.connect();
  });

  afterAll(async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await producer.disconnect();
    const own = (await admin.listTopics()).filter((topic) => topic.startsWith(topicPrefix));
    await admin.deleteTopics({ topics: own }).catch(() => undefined);
    await admin.disconnect();
  });

  it('waits it out past the retry budget, then handles the event and goes on', async () => {
    const [first, second] = sampleOfEveryType('outage-user').slice(2, 4);
    if (first === undefined || second === undefined) throw new Error('samples missing');
    await producer.publish([first, second]);

    // Eight failures, where the retry budget is three: a network error, then lost connections
    // under bulk writes, as the driver reports them while FerretDB restarts.
    const failures = [
      driverError('MongoNetworkError', 'read ECONNRESET'),
      ...Array.from({ length: 7 }, (_, i) =>
        driverError('MongoBulkWriteError', `connection ${i} to 127.0.0.1:27017 closed`, {
          writeErrors: [],
        }),
      ),
    ];
    const handled: string[] = [];
    const consumer = await runEventConsumer({
      kafka,
      groupId: `${topicPrefix}outage`,
      topics: [names.expenseMessages, names.expenses],
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 500,
      retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 40 },
      handle: (event) => {
        if (event.eventId === first.eventId) {
          const failure = failures.shift();
          if (failure !== undefined) return Promise.reject(failure);
        }
        handled.push(event.eventId);
        return Promise.resolve();
      },
    });
    consumers.push(consumer);
    await waitFor(() => handled.includes(first.eventId) && handled.includes(second.eventId), {
      timeoutMs: 30_000,
      description: 'both events handled after the outage',
    });
    expect(failures).toEqual([]);
    expect(consumer.stats()).toMatchObject({ state: 'running', deadLettered: 0 });
  }, 60_000);
});
