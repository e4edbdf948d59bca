import type { Kafka } from 'kafkajs';
import { createEventProducer, ensureTopics, type EventProducer } from '@cashtrack/events/kafka';
import { type CashTrackEvent } from '@cashtrack/events';
import type { Logger } from '@cashtrack/platform';

export interface ReconnectingPublisher {
  publish(events: readonly CashTrackEvent[]): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * The outbox relay's producer, connected on first use rather than at startup: auth must start,
 * and take sign-ups into its outbox, while Kafka is down. A failed connection is dropped and
 * tried afresh on the relay's next pass; the topics are ensured once per connection.
 */
export function reconnectingPublisher(
  kafka: Kafka,
  options: { readonly topicPrefix: string; readonly log: Logger },
): ReconnectingPublisher {
  let connecting: Promise<EventProducer> | undefined;

  const connected = (): Promise<EventProducer> => {
    connecting ??= (async () => {
      const producer = createEventProducer(kafka, { topicPrefix: options.topicPrefix });
      try {
        await ensureTopics(kafka, { prefix: options.topicPrefix });
        await producer.connect();
        options.log.info('connected to Kafka');
        return producer;
      } catch (error) {
        connecting = undefined;
        await producer.disconnect().catch(() => undefined);
        throw error;
      }
    })();
    return connecting;
  };

  return {
    async publish(events) {
      if (events.length === 0) return;
      await (await connected()).publish(events);
    },
    async disconnect() {
      const current = connecting;
      connecting = undefined;
      if (current !== undefined) await (await current.catch(() => undefined))?.disconnect();
    },
  };
}
