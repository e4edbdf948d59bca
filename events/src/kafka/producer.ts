import { Partitioners, type Kafka, type TopicMessages } from 'kafkajs';
import { createLogger, retryAtStartup, type TraceCarrier } from '@cashtrack/platform';
import { startPublishSpan, type PublishSpan } from '@cashtrack/platform/tracing';
import { encodeEvent } from '../codec.ts';
import { topicForEventType } from '../eventCatalog.ts';
import type { CashTrackEvent } from '../eventCatalog.ts';

/** Publishes CashTrack events; what the outbox relay and event-only writers depend on. */
export interface EventProducer {
  connect(): Promise<void>;
  /**
   * Validates every event first (an invalid one throws `INVALID_EVENT` and nothing is sent), then
   * sends them keyed by `userId` with acks from all in-sync replicas. Resolves once the broker has
   * them; order is kept per topic and key.
   */
  publish(events: readonly CashTrackEvent[], options?: PublishOptions): Promise<void>;
  disconnect(): Promise<void>;
}

export interface PublishOptions {
  /**
   * The trace an event was caused in, when not the active one (the outbox relay publishes
   * events stored by earlier requests). Each message carries its publish span's `traceparent`.
   */
  readonly traceOf?: (event: CashTrackEvent) => TraceCarrier | undefined;
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
 *
 * After a failed send the producer takes a new producer id before it sends anything else. kafkajs
 * hands a failed batch's sequence numbers back and gives them to the next batch; when the broker
 * had in fact written the failed one (it died, or the connection dropped, before its answer
 * arrived), it takes the next batch for a retry of that one and answers success without writing
 * it. `npm run chaos` lost an acknowledged `logExpense` that way across a Kafka SIGKILL. Sends go
 * one at a time (kafkajs already sends one request at a time to the one leader), so no batch can
 * take the handed-back numbers between the failure and the renewal.
 */
export function createEventProducer(
  kafka: Kafka,
  options: EventProducerOptions = {},
): EventProducer {
  const prefix = options.topicPrefix ?? '';
  const newProducer = () =>
    kafka.producer({
      idempotent: true,
      // Idempotence in kafkajs requires one request in flight, which also keeps order on retries.
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // The Java-compatible murmur2 partitioner, named so kafkajs does not warn about its default.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  let producer = newProducer();
  // Set when a send failed: its sequence numbers may be on the broker already.
  let identitySpent = false;
  let queue: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };
  const send = (topicMessages: TopicMessages[]): Promise<void> =>
    oneAtATime(async () => {
      if (identitySpent) {
        // A kafkajs producer keeps its producer id across disconnect and connect: only a new
        // producer asks the broker for a new one.
        const spent = producer;
        producer = newProducer();
        await spent.disconnect().catch(() => undefined);
        await producer.connect();
        identitySpent = false;
        log.info('new producer id after a failed send');
      }
      try {
        await producer.sendBatch({ topicMessages, acks: -1 });
      } catch (error) {
        identitySpent = true;
        throw error;
      }
    });
  return {
    connect: () => retryAtStartup('Kafka producer', () => producer.connect()),
    disconnect: () => producer.disconnect(),
    async publish(events, options = {}) {
      if (events.length === 0) return;
      // Encode everything before sending anything, so one invalid event stops the whole call.
      const byTopic = new Map<string, TopicMessages>();
      const spans: PublishSpan[] = [];
      for (const event of events) {
        const topic = `${prefix}${topicForEventType(event.type)}`;
        const encoded = encodeEvent(event);
        const entry = byTopic.get(topic) ?? { topic, messages: [] };
        const span = startPublishSpan(topic, options.traceOf?.(event));
        if (span !== undefined) spans.push(span);
        entry.messages.push({
          key: encoded.key,
          value: encoded.value,
          headers:
            span === undefined ? { ...encoded.headers } : { ...encoded.headers, ...span.headers },
        });
        byTopic.set(topic, entry);
      }
      try {
        await send([...byTopic.values()]);
      } catch (error) {
        for (const span of spans) span.end(error);
        throw error;
      }
      for (const span of spans) span.end();
      log.debug({ count: events.length }, 'published events');
    },
  };
}
