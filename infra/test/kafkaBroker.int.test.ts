import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Admin, Consumer, Producer } from 'kafkajs';
import { kafkaForTests, testNamespace, waitFor } from '@cashtrack/test-support';

const keys = Array.from({ length: 20 }, (_, index) => `user-${index}`);
const messageCount = 1_000;

describe('the local Kafka broker', () => {
  const { topicPrefix } = testNamespace();
  const topic = `${topicPrefix}keyed`;
  const kafka = kafkaForTests();
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer;

  beforeAll(async () => {
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true });
    consumer = kafka.consumer({ groupId: `${topicPrefix}group` });
    await Promise.all([admin.connect(), producer.connect(), consumer.connect()]);
  });

  afterAll(async () => {
    await Promise.all([consumer.disconnect(), producer.disconnect()]);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('creates a topic, takes 1,000 keyed messages and delivers every one in order per key', async () => {
    expect(
      await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true }),
    ).toBe(true);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(6);

    const sent = Array.from({ length: messageCount }, (_, sequence) => ({
      key: keys[sequence % keys.length] ?? 'user-0',
      value: String(sequence),
    }));
    for (let start = 0; start < sent.length; start += 100) {
      await producer.send({ topic, acks: -1, messages: sent.slice(start, start + 100) });
    }

    const received = new Map<string, number[]>();
    let total = 0;
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        const key = message.key?.toString() ?? '';
        received.set(key, [...(received.get(key) ?? []), Number(message.value?.toString())]);
        total += 1;
        return Promise.resolve();
      },
    });
    await waitFor(() => total >= messageCount, {
      timeoutMs: 30_000,
      description: '1,000 messages',
    });

    expect(total).toBe(messageCount);
    for (const key of keys) {
      const expected = sent
        .filter((message) => message.key === key)
        .map((message) => Number(message.value));
      expect(received.get(key)).toEqual(expected);
    }
  });
});
