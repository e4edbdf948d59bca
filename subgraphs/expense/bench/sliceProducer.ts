import { randomUUID } from 'node:crypto';
import { Partitioners, type Kafka, type Message } from 'kafkajs';
import { encodeEvent, topicForEventType, type CashTrackEvent } from '@cashtrack/events';

export interface SliceProducer {
  /**
   * Publishes `events` in one Kafka transaction: consumers (read-committed, kafkajs' default)
   * see none of them until the commit and all of them at once after it, so the time a consumer
   * takes for the slice starts at `publishSlice`'s return and the producing is not in it.
   */
  publishSlice(events: readonly CashTrackEvent[]): Promise<void>;
  disconnect(): Promise<void>;
}

/** Messages per request inside the transaction. */
const requestMessages = 1_000;

/** Events as `createEventProducer` sends them (same key, value and headers), in transactions. */
export async function connectSliceProducer(
  kafka: Kafka,
  topicPrefix: string,
): Promise<SliceProducer> {
  const producer = kafka.producer({
    transactionalId: `projector-bench-${randomUUID()}`,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return {
    async publishSlice(events) {
      const transaction = await producer.transaction();
      try {
        for (let start = 0; start < events.length; start += requestMessages) {
          const byTopic = new Map<string, Message[]>();
          for (const event of events.slice(start, start + requestMessages)) {
            const topic = `${topicPrefix}${topicForEventType(event.type)}`;
            const encoded = encodeEvent(event);
            const messages = byTopic.get(topic) ?? [];
            messages.push({
              key: encoded.key,
              value: encoded.value,
              headers: { ...encoded.headers },
            });
            byTopic.set(topic, messages);
          }
          await transaction.sendBatch({
            topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
            acks: -1,
          });
        }
        await transaction.commit();
      } catch (error) {
        await transaction.abort().catch(() => undefined);
        throw error;
      }
    },
    disconnect: () => producer.disconnect(),
  };
}
