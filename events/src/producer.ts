import { Partitioners, type Kafka, type TopicMessages } from 'kafkajs';
import { createLogger, retryAtStartup } from '@cashtrack/platform';
import { encodeEvent } from './codec.ts';
import { topicForEventType } from './eventCatalog.ts';
import type { CashTrackEvent } from './eventCatalog.ts';

/** Publishes CashTrack events; what the outbox relay and event-only writers depend on. */
export interface EventProducer {
  connect(): Promise<void>;
  /**
   * Validates every event first (an invalid one throws `INVALID_EVENT` and nothing is sent), then
   * sends them keyed by `userId` with acks from all in-sync replicas. Resolves once the broker has
   * them; order is kept per topic and key.
   */
  publish(events: readonly CashTrackEvent[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface EventProducerOptions {
  /** Put in front of every topic name (tests use `testNamespace().topicPrefix`). Default ''. */
  readonly topicPrefix?: string;
}

const log = createLogger('event-producer');

/**
 * A kafkajs idempotent producer: the broker drops the duplicates its own retries would make, so a
 * retried send does not publish an event twice (a re-run of `publish` still can; consumers are
 * idempotent by `aggregateVersion`).
 */
export function createEventProducer(
  kafka: Kafka,
  options: EventProducerOptions = {},
): EventProducer {
  const prefix = options.topicPrefix ?? '';
  const producer = kafka.producer({
    idempotent: true,
    // Idempotence in kafkajs requires one request in flight, which also keeps order on retries.
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    // The Java-compatible murmur2 partitioner, named so kafkajs does not warn about its default.
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  return {
    connect: () => retryAtStartup('Kafka producer', () => producer.connect()),
    disconnect: () => producer.disconnect(),
    async publish(events) {
      if (events.length === 0) return;
      // Encode everything before sending anything, so one invalid event stops the whole call.
      const byTopic = new Map<string, TopicMessages>();
      for (const event of events) {
        const topic = `${prefix}${topicForEventType(event.type)}`;
        const encoded = encodeEvent(event);
        const entry = byTopic.get(topic) ?? { topic, messages: [] };
        entry.messages.push({
          key: encoded.key,
          value: encoded.value,
          headers: { ...encoded.headers },
        });
        byTopic.set(topic, entry);
      }
      await producer.sendBatch({ topicMessages: [...byTopic.values()], acks: -1 });
      log.debug({ count: events.length }, 'published events');
    },
  };
}
