import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Partitioners, type Admin, type Producer } from 'kafkajs';
import { kafkaForTests, testNamespace, waitFor } from '@cashtrack/test-support';
import {
  createEventProducer,
  ensureTopics,
  runEventConsumer,
  type EventConsumer,
  type EventProducer,
} from '../src/kafka/index.ts';
import {
  deadLetterTopic,
  encodeEvent,
  FatalConsumerError,
  topicNames,
  type CashTrackEvent,
} from '../src/index.ts';
import { readDeadLetter } from './deadLetterReader.ts';
import { readTopic } from './kafkaTestHelpers.ts';
import { manualExpense, sampleOfEveryType } from './sampleEvents.ts';

const fastConsumer = {
  sessionTimeoutMs: 6_000,
  heartbeatIntervalMs: 500,
  rebalanceTimeoutMs: 10_000,
} as const;

describe('producer, consumer runner and dead letters on the real broker', () => {
  const { topicPrefix } = testNamespace();
  const names = topicNames(topicPrefix);
  const kafka = kafkaForTests();
  let admin: Admin;
  let producer: EventProducer;
  let raw: Producer;
  const consumers: EventConsumer[] = [];

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    producer = createEventProducer(kafka, { topicPrefix });
    raw = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await Promise.all([producer.connect(), raw.connect()]);
  });

  afterAll(async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await Promise.all([producer.disconnect(), raw.disconnect()]);
    const own = (await admin.listTopics()).filter((topic) => topic.startsWith(topicPrefix));
    await admin.deleteTopics({ topics: own }).catch(() => undefined);
    await admin.disconnect();
  });

  it('ensureTopics creates event and dead-letter topics once, 6 partitions, kept forever', async () => {
    const created = await ensureTopics(admin, { prefix: topicPrefix });
    expect(created.sort()).toEqual(
      [...Object.values(names), ...Object.values(names).map(deadLetterTopic)].sort(),
    );
    expect(await ensureTopics(kafka, { prefix: topicPrefix })).toEqual([]);
    const metadata = await admin.fetchTopicMetadata({ topics: [names.expenses] });
    expect(metadata.topics[0]?.partitions).toHaveLength(6);
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: names.users, configNames: ['retention.ms'] }],
    });
    expect(configs.resources[0]?.configEntries[0]?.configValue).toBe('-1');
  });

  it('round-trips every event type through the producer and the runner', async () => {
    const sent = sampleOfEveryType('round-trip-user');
    const received: CashTrackEvent[] = [];
    const consumer = await runEventConsumer({
      ...fastConsumer,
      kafka,
      groupId: `${topicPrefix}round-trip`,
      topics: Object.values(names),
      handle: (event) => {
        received.push(event);
        return Promise.resolve();
      },
    });
    consumers.push(consumer);
    await producer.publish(sent);
    await waitFor(() => received.length >= sent.length, { timeoutMs: 30_000 });
    const byId = (events: readonly CashTrackEvent[]) =>
      [...events].sort((a, b) => a.eventId.localeCompare(b.eventId));
    expect(byId(received)).toEqual(byId(sent));
    // Stopped, so it does not dead-letter the next test's poison messages under its own group.
    await consumer.stop();
    expect(consumer.stats()).toMatchObject({ state: 'stopped', processed: sent.length });
  });

  it('publishes nothing from a batch holding an invalid event', async () => {
    const valid = manualExpense('atomic-user', 'atomic-1', 100);
    const invalid = { ...manualExpense('atomic-user', 'atomic-2', 100), aggregateVersion: 0 };
    await expect(producer.publish([valid, invalid as CashTrackEvent])).rejects.toMatchObject({
      code: 'INVALID_EVENT',
    });
    const marker = manualExpense('atomic-user', 'atomic-marker', 100);
    await producer.publish([marker]);
    const messages = await readTopic(kafka, names.expenses, 1, `${topicPrefix}atomic-reader`);
    await waitFor(() => messages.some((m) => m.value?.toString().includes('atomic-marker')));
    expect(messages.some((m) => m.value?.toString().includes('atomic-1'))).toBe(false);
  });

  it('dead-letters a malformed message, an invalid payload and a handler that keeps failing, and goes on', async () => {
    const topic = names.expenseMessages;
    const key = 'dlq-user';
    const failing = sampleOfEveryType(key)[2]!;
    const good = { ...sampleOfEveryType(key)[2]!, eventId: crypto.randomUUID() };
    const invalid = JSON.parse(encodeEvent(failing).value) as { payload: { text: string } };
    invalid.payload.text = '';
    // One key, so one partition: the good message comes after the three bad ones.
    await raw.send({
      topic,
      messages: [
        { key, value: 'not json at all', headers: { correlationId: 'corr-bad', origin: 'test' } },
        { key, value: JSON.stringify(invalid), headers: { correlationId: 'corr-invalid' } },
        { ...encodeEvent(failing), headers: { ...encodeEvent(failing).headers } },
        { ...encodeEvent(good), headers: { ...encodeEvent(good).headers } },
      ],
    });
    const handled: string[] = [];
    const consumer = await runEventConsumer({
      ...fastConsumer,
      kafka,
      groupId: `${topicPrefix}dlq`,
      topics: [topic],
      retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20 },
      handle: (event) => {
        if (event.eventId === failing.eventId) return Promise.reject(new Error('always fails'));
        handled.push(event.eventId);
        return Promise.resolve();
      },
    });
    consumers.push(consumer);
    await waitFor(() => handled.includes(good.eventId), { timeoutMs: 30_000 });
    // `processed` also counts the round-trip test's event on this topic.
    expect(consumer.stats()).toMatchObject({
      processed: handled.length,
      deadLettered: 3,
      retries: 2,
      lag: 0,
    });

    const letters = (await readTopic(kafka, deadLetterTopic(topic), 3, `${topicPrefix}dlq-reader`))
      .map((message) => ({ message, info: readDeadLetter(message) }))
      .sort((a, b) => Number(a.info.sourceOffset) - Number(b.info.sourceOffset));
    expect(letters.map(({ info }) => [info.errorCode, info.attempts])).toEqual([
      ['INVALID_EVENT', 0],
      ['INVALID_EVENT', 0],
      ['Error', 3],
    ]);
    expect(letters[0]?.message.value?.toString()).toBe('not json at all');
    expect(letters[0]?.info.originalHeaders).toEqual({ correlationId: 'corr-bad', origin: 'test' });
    expect(letters[0]?.info.errorMessage).toContain('value: not valid JSON');
    expect(letters[1]?.info.errorMessage).toContain('payload.text');
    expect(letters[2]?.info).toMatchObject({
      errorMessage: 'always fails',
      sourceTopic: topic,
      consumerGroup: `${topicPrefix}dlq`,
      originalHeaders: { eventId: failing.eventId, type: 'ExpenseMessageSubmitted' },
    });

    // Everything, the parked messages included, is committed once the runner stops.
    await consumer.stop();
    const [committed] = await admin.fetchOffsets({ groupId: `${topicPrefix}dlq`, topics: [topic] });
    const partition = Number(letters[0]?.info.sourcePartition);
    expect(committed?.partitions.find((p) => p.partition === partition)?.offset).toBe(
      String(Number(letters[0]?.info.sourceOffset) + 4),
    );
  });

  it('hands a batch handler consecutive events, and retries a failed batch event by event', async () => {
    const topic = names.users;
    const key = 'batch-user';
    const encoded = (event: CashTrackEvent) => {
      const { key: messageKey, value, headers } = encodeEvent(event);
      return { key: messageKey, value, headers: { ...headers } };
    };
    const events = Array.from({ length: 30 }, (_, index) => ({
      ...sampleOfEveryType(key)[0]!,
      eventId: crypto.randomUUID(),
      correlationId: `batch-${index}`,
    }));
    const failing = events[17]!;
    // One key, so one partition; a malformed message in the middle.
    await raw.send({
      topic,
      messages: [
        ...events.slice(0, 10).map(encoded),
        { key, value: 'not an event' },
        ...events.slice(10).map(encoded),
      ],
    });
    const batchSizes: number[] = [];
    const handled: string[] = [];
    const consumer = await runEventConsumer({
      ...fastConsumer,
      kafka,
      groupId: `${topicPrefix}batches`,
      topics: [topic],
      retry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 10 },
      maxBatchEvents: 8,
      handleBatch: (batch, context) => {
        expect(context).toMatchObject({ topic, partition: batch[0]?.partition });
        batchSizes.push(batch.length);
        if (batch.some(({ event }) => event.eventId === failing.eventId)) {
          return Promise.reject(new Error('cannot take this one'));
        }
        handled.push(...batch.map(({ event }) => event.eventId));
        return Promise.resolve();
      },
    });
    consumers.push(consumer);
    await waitFor(() => handled.includes(events.at(-1)!.eventId), { timeoutMs: 30_000 });
    const mine = handled.filter((id) => events.some((event) => event.eventId === id));
    // In order, each good event handed in until it succeeded once, the failing one never.
    expect([...new Set(mine)]).toEqual(
      events.filter((event) => event !== failing).map((event) => event.eventId),
    );
    expect(Math.max(...batchSizes)).toBe(8);
    expect(consumer.stats()).toMatchObject({ deadLettered: 2, lag: 0 });
    const letters = (
      await readTopic(kafka, deadLetterTopic(topic), 2, `${topicPrefix}batch-dlq-reader`)
    ).map(readDeadLetter);
    expect(letters.map((info) => [info.errorCode, info.attempts]).sort()).toEqual([
      ['Error', 2],
      ['INVALID_EVENT', 0],
    ]);
  });

  it('stops without committing when a handler fails fatally', async () => {
    const event = manualExpense('fatal-user', 'fatal-1', 100);
    await producer.publish([event]);
    const groupId = `${topicPrefix}fatal`;
    const consumer = await runEventConsumer({
      ...fastConsumer,
      kafka,
      groupId,
      topics: [names.expenses],
      handle: (seen) =>
        seen.eventId === event.eventId
          ? Promise.reject(new FatalConsumerError('cannot go on'))
          : Promise.resolve(),
    });
    await expect(consumer.done).rejects.toThrow('cannot go on');
    expect(consumer.stats().state).toBe('failed');
    const [committed] = await admin.fetchOffsets({ groupId, topics: [names.expenses] });
    const total = committed?.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    const offsets = await admin.fetchTopicOffsets(names.expenses);
    const end = offsets.reduce((sum, p) => sum + Number(p.high), 0);
    expect(total).toBeLessThan(end);
  });
});
