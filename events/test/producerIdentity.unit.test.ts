import { describe, expect, it } from '@jest/globals';
import type { Kafka } from 'kafkajs';
import { createEventProducer } from '../src/kafka/index.ts';
import { sampleOfEveryType } from './sampleEvents.ts';

/**
 * A kafkajs stand-in that records calls per producer instance (`#1`, `#2`…): a kafkajs producer
 * keeps its producer id for life, so a new id means a new instance. Sends fail while `failing`.
 */
function stubKafka() {
  const calls: string[] = [];
  let failing = 0;
  let instances = 0;
  const newProducer = () => {
    instances += 1;
    const id = `#${instances}`;
    return {
      connect: () => {
        calls.push(`connect ${id}`);
        return Promise.resolve();
      },
      disconnect: () => {
        calls.push(`disconnect ${id}`);
        return Promise.resolve();
      },
      sendBatch: async ({ topicMessages }: { topicMessages: { messages: unknown[] }[] }) => {
        const count = topicMessages.reduce((sum, entry) => sum + entry.messages.length, 0);
        calls.push(`send ${count} ${id}`);
        // Let a concurrent publish try to slip in while this send is under way.
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (failing > 0) {
          failing -= 1;
          throw new Error('Connection error: connect ECONNREFUSED');
        }
        return [];
      },
    };
  };
  const kafka = { producer: newProducer } as unknown as Kafka;
  return { kafka, calls, failNext: (times = 1) => (failing = times) };
}

/**
 * Found by `npm run chaos`: kafkajs hands a failed batch's sequence numbers to the next batch; if
 * the broker had written the failed one, it takes the next for a retry and drops it while
 * answering success. The producer must take a new producer id first.
 */
describe('event producer after a failed send', () => {
  const [event] = sampleOfEveryType('identity-user');
  if (event === undefined) throw new Error('no sample event');

  it('takes a new producer (so a new producer id) before it sends anything else', async () => {
    const { kafka, calls, failNext } = stubKafka();
    const producer = createEventProducer(kafka);
    await producer.connect();
    failNext();
    await expect(producer.publish([event])).rejects.toThrow('ECONNREFUSED');
    await producer.publish([event]);
    await producer.publish([event]);
    expect(calls).toEqual([
      'connect #1',
      'send 1 #1',
      'disconnect #1',
      'connect #2',
      'send 1 #2',
      'send 1 #2',
    ]);
  });

  it('lets no concurrent publish send between the failure and the renewal', async () => {
    const { kafka, calls, failNext } = stubKafka();
    const producer = createEventProducer(kafka);
    await producer.connect();
    failNext();
    const first = producer.publish([event]);
    const second = producer.publish([event, event]);
    await expect(first).rejects.toThrow('ECONNREFUSED');
    await second;
    expect(calls).toEqual(['connect #1', 'send 1 #1', 'disconnect #1', 'connect #2', 'send 2 #2']);
  });

  it('keeps trying for a new id while the broker is still away', async () => {
    const { kafka, calls, failNext } = stubKafka();
    const producer = createEventProducer(kafka);
    await producer.connect();
    failNext(2);
    await expect(producer.publish([event])).rejects.toThrow();
    await expect(producer.publish([event])).rejects.toThrow();
    await producer.publish([event]);
    expect(calls).toEqual([
      'connect #1',
      'send 1 #1',
      'disconnect #1',
      'connect #2',
      'send 1 #2',
      'disconnect #2',
      'connect #3',
      'send 1 #3',
    ]);
  });
});
