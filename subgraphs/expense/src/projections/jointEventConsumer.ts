import type { EventConsumer } from '@cashtrack/events/kafka';
import type { EventConsumerStats } from '@cashtrack/events';

type DeliveryState = EventConsumerStats['state'];

/** The state of the whole from its parts' states: the worst of them. */
function jointState(states: readonly DeliveryState[]): DeliveryState {
  if (states.includes('failed')) return 'failed';
  if (states.every((state) => state === 'stopped')) return 'stopped';
  if (states.every((state) => state === 'running')) return 'running';
  return 'stopping';
}

/**
 * Consumers of disjoint topics as one: the service watches, stops and reports them together.
 * Their counts add up and their partitions and topics are listed side by side (no topic is in
 * two); it runs while all run, and `done` rejects as soon as one fails.
 */
export function jointEventConsumer(consumers: readonly EventConsumer[]): EventConsumer {
  return {
    async stop() {
      await Promise.all(consumers.map((consumer) => consumer.stop()));
    },
    stats(): EventConsumerStats {
      const parts = consumers.map((consumer) => consumer.stats());
      return {
        state: jointState(parts.map((part) => part.state)),
        processed: parts.reduce((sum, part) => sum + part.processed, 0),
        deadLettered: parts.reduce((sum, part) => sum + part.deadLettered, 0),
        retries: parts.reduce((sum, part) => sum + part.retries, 0),
        topics: parts.flatMap((part) => part.topics),
        lag: parts.reduce((sum, part) => sum + part.lag, 0),
        partitions: parts.flatMap((part) => part.partitions),
        lastError: parts.find((part) => part.lastError !== null)?.lastError ?? null,
      };
    },
    done: Promise.all(consumers.map((consumer) => consumer.done)).then(() => undefined),
  };
}
