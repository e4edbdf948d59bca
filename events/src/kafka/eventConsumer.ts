import type { Kafka } from 'kafkajs';
import { createLogger, envInt, retryAtStartup, type Logger } from '@cashtrack/platform';
import {
  activeTracer,
  inBatchProcessSpans,
  inMessageTrace,
  inProcessSpan,
  unsampledTraceOf,
} from '@cashtrack/platform/tracing';
import { createDeliveryCore, type DeliveryTracing } from '../delivery/deliveryCore.ts';
import type { EventConsumerStats } from '../delivery/deliveryStats.ts';
import type { EventHandling } from '../delivery/eventHandling.ts';
import type { FailureAction, RetryPolicy } from '../retryPolicy.ts';
import { createDeadLetterProducer } from './deadLetterProducer.ts';
import { createIntervalCommits } from './intervalCommits.ts';

export type EventConsumerOptions = EventHandling & EventConsumerSettings;

export interface EventConsumerSettings {
  readonly kafka: Kafka;
  /** Consumer group; replicas sharing it share the partitions. */
  readonly groupId: string;
  /** Full topic names (with any prefix), e.g. `[topicNames(prefix).expenses]`. */
  readonly topics: readonly string[];
  /** Where a group without committed offsets starts. Default true: the whole history. */
  readonly fromBeginning?: boolean;
  /** Retries of a failing handler before the message is dead-lettered. Default `defaultRetryPolicy`. */
  readonly retry?: RetryPolicy;
  /** Decides per handler error: retry, dead-letter, or stop. Default `defaultClassifyError`. */
  readonly classifyError?: (error: unknown) => FailureAction;
  /**
   * Default `KAFKA_CONSUMER_SESSION_TIMEOUT_MS`, else 10 000. A member killed without leaving
   * holds its partitions this long, and a replacement's start-up waits for them just as long:
   * with 30 s every crash was a 30-second outage (found by `npm run chaos`). Heartbeats go out
   * between events, so a single handler step longer than this costs a rebalance, not data.
   * Tests use a few seconds so a killed member's partitions move on quickly.
   */
  readonly sessionTimeoutMs?: number;
  /** Default a tenth of the session timeout, at most 3 000. */
  readonly heartbeatIntervalMs?: number;
  /** How long a rebalance waits for members to rejoin. Default 60 000. */
  readonly rebalanceTimeoutMs?: number;
  /** Longest wait of an empty fetch; also bounds how long an idle consumer takes to stop. Default 1 000. */
  readonly maxWaitTimeMs?: number;
  /** Partitions handled at once; order is kept within each partition. Default 1. */
  readonly partitionsConsumedConcurrently?: number;
  /**
   * How long a handled offset may wait for its commit. Default
   * `KAFKA_CONSUMER_COMMIT_INTERVAL_MS`, else 5 000 (Kafka's own `auto.commit.interval.ms`):
   * commits go out beside the fetches, not between them, so the interval costs no latency; it
   * bounds what a crash redelivers (the events of one interval, which handlers take
   * idempotently) and how stale the group's committed lag looks. A clean stop and a rebalance
   * commit first.
   */
  readonly commitIntervalMs?: number;
  readonly logger?: Logger;
}

export interface EventConsumer {
  /** Finishes the event in hand, commits what was handled, and disconnects. */
  stop(): Promise<void>;
  /** Counts and lag for health checks; cheap, from memory. */
  stats(): EventConsumerStats;
  /**
   * Resolves when stopped; rejects with the error that made the consumer fail (a `fatal`
   * classification, a dead letter that could not be sent, a kafkajs crash it will not restart
   * from), once it has disconnected without committing further. Whoever runs the process
   * decides what a failure means for it (the service runtime exits so a supervisor restarts).
   */
  readonly done: Promise<void>;
}

/**
 * Runs a handler for every event on `topics` with at-least-once delivery: a thin kafkajs
 * adapter (`eachBatch`) around the delivery core, which decodes, handles, retries and parks
 * (`delivery/deliveryCore.ts`). Handled offsets are committed once per `commitIntervalMs`,
 * beside the fetches, and on a clean stop; after a failure nothing more is committed;
 * a message that cannot be decoded, or whose handler keeps failing, goes to `<topic>.dlq`.
 * Installs no signal handlers and never exits the process. Resolves once the consumer has
 * joined its group and is fetching.
 */
export async function runEventConsumer(options: EventConsumerOptions): Promise<EventConsumer> {
  const {
    kafka,
    groupId,
    fromBeginning = true,
    sessionTimeoutMs = envInt('KAFKA_CONSUMER_SESSION_TIMEOUT_MS', 10_000),
    rebalanceTimeoutMs = 60_000,
    maxWaitTimeMs = 1_000,
    partitionsConsumedConcurrently = 1,
    commitIntervalMs = envInt('KAFKA_CONSUMER_COMMIT_INTERVAL_MS', 5_000),
  } = options;
  const heartbeatIntervalMs =
    options.heartbeatIntervalMs ?? Math.min(3_000, Math.floor(sessionTimeoutMs / 10));
  const log = options.logger ?? createLogger('event-consumer');

  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: sessionTimeoutMs,
    heartbeatInterval: heartbeatIntervalMs,
    rebalanceTimeout: rebalanceTimeoutMs,
    maxWaitTimeInMs: maxWaitTimeMs,
    allowAutoTopicCreation: false,
  });
  const deadLetters = createDeadLetterProducer(kafka);

  let settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  const done = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // Nobody may await `done`; a rejection must not become an unhandled rejection.
  done.catch(() => undefined);

  const core = createDeliveryCore({
    handling: options,
    groupId,
    deadLetters: deadLetters.send,
    retry: options.retry,
    classifyError: options.classifyError,
    // kafkajs sends a heartbeat only once per interval anyway.
    heartbeatEveryMs: Math.max(10, Math.floor(heartbeatIntervalMs / 3)),
    logger: log,
    tracing: activeTracer() === undefined ? undefined : consumeSpans(groupId),
    // Disconnecting waits for the batch in hand, which is what reported this: not awaited.
    onFatal: (error) => {
      commits.cancel();
      void Promise.allSettled([consumer.disconnect(), deadLetters.disconnect()]).then(() =>
        settle?.reject(error),
      );
    },
  });

  // kafkajs' own commits are off (`autoCommit: false`): with them it commits after every batch
  // and fetches only then, whatever `autoCommitInterval` says, and it commits nothing on stop.
  const commits = createIntervalCommits({
    intervalMs: commitIntervalMs,
    commit: (offsets) => consumer.commitOffsets([...offsets]),
    mayCommit: () => core.state() !== 'failed',
    logger: log,
  });

  let stopping: Promise<void> | undefined;
  function stop(): Promise<void> {
    stopping ??= (async () => {
      // The core waits for the batch in hand, so everything handled is noted before the commit.
      await core.stop();
      await commits.flush();
      // kafkajs waits for a batch it is still fetching (the core no longer takes it) and leaves.
      await consumer.disconnect();
      await deadLetters.disconnect();
      if (core.state() === 'stopped') settle?.resolve();
    })();
    return stopping;
  }

  consumer.on(consumer.events.CRASH, ({ payload }) => {
    // kafkajs restarts itself after retriable errors; anything else is ours to report.
    if (!payload.restart) core.fail(payload.error);
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const assigned = payload.memberAssignment;
    const owned = (topic: string, partition: number): boolean =>
      (assigned[topic] ?? []).includes(partition);
    core.keepPartitions(owned);
    commits.keepPartitions(owned);
  });
  consumer.on(consumer.events.REBALANCING, () => {
    // Sent before the rejoin when it wins the race, so the next owner starts after what was
    // handled here; if it loses, the next owner reads up to an interval again, idempotently.
    void commits.flush();
  });

  await retryAtStartup(`Kafka consumer group ${groupId}`, async () => {
    await Promise.all([consumer.connect(), deadLetters.connect()]);
    await consumer.subscribe({ topics: [...options.topics], fromBeginning });
  });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently,
    eachBatch: async (payload) => {
      const { batch } = payload;
      await core.deliver({
        topic: batch.topic,
        partition: batch.partition,
        messages: batch.messages,
        highWatermark: batch.highWatermark,
        heartbeat: () => payload.heartbeat(),
        isStale: () => !payload.isRunning() || payload.isStale(),
        commitUpTo: (offset) => {
          // Resolving moves kafkajs' fetch position; the commit follows within the interval.
          payload.resolveOffset(offset);
          commits.handled(batch.topic, batch.partition, offset);
        },
      });
    },
  });
  log.info({ groupId, topics: options.topics }, 'consumer running');

  return { stop, done, stats: () => core.stats() };
}

/**
 * Each handling in a consume span that is a child of the message's publish span (its
 * `traceparent` header), not a link: one request's trace then runs on through every consumer it
 * caused, which is what an operator follows (`logExpense` to the parser to the projector).
 */
export function consumeSpans(groupId: string): DeliveryTracing {
  return {
    unsampledTraceparent: (message) => unsampledTraceOf(message.headers),
    inTrace: (message, work) => inMessageTrace(message.headers, work),
    one: (topic, message, work) =>
      inProcessSpan(
        topic,
        message.headers,
        { 'messaging.consumer.group.name': groupId, 'messaging.kafka.offset': message.offset },
        work,
      ),
    batch: (topic, messages, work) => inBatchProcessSpans(topic, messages, work),
  };
}
