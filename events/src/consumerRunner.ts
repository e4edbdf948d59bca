import { setTimeout as delay } from 'node:timers/promises';
import { Partitioners, type Batch, type Kafka, type KafkaMessage } from 'kafkajs';
import {
  createLogger,
  envInt,
  errorMessage,
  retryAtStartup,
  withCorrelation,
  type Logger,
} from '@cashtrack/platform';
import { decodeEvent } from './codec.ts';
import { deadLetterMessage } from './deadLetter.ts';
import type { CashTrackEvent } from './eventCatalog.ts';
import {
  defaultClassifyError,
  defaultRetryPolicy,
  FatalConsumerError,
  retryDelayMs,
  type FailureAction,
  type RetryPolicy,
} from './retryPolicy.ts';
import { deadLetterTopic } from './topics.ts';

/** Where the event being handled came from, and how to keep the group membership alive. */
export interface EventContext {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** 1 on the first try, 2 on the first retry... */
  readonly attempt: number;
  /** Call during long work so the group does not think this member died. */
  heartbeat(): Promise<void>;
}

export type EventHandler = (event: CashTrackEvent, context: EventContext) => Promise<void>;

/** An event and where it stands in its partition. */
export interface PositionedEvent<Event extends CashTrackEvent = CashTrackEvent> {
  readonly event: Event;
  readonly partition: number;
  readonly offset: string;
}

/** Where a batch came from, and how to keep the group membership alive. */
export interface BatchContext {
  readonly topic: string;
  readonly partition: number;
  /**
   * 1 on the first try. After a batch failed its events are handed in one at a time, each from
   * 1 again, and a retry of such a single event counts on from 2.
   */
  readonly attempt: number;
  heartbeat(): Promise<void>;
}

/**
 * Handles consecutive events of one partition, in order. Must be idempotent for any split of the
 * same events into batches: after a failure each event is handed in alone, and after a crash or
 * rebalance the events come again in other batches.
 */
export type EventBatchHandler = (
  events: readonly PositionedEvent[],
  context: BatchContext,
) => Promise<void>;

/** One event at a time, or consecutive events of a partition at once. */
export type EventHandling =
  | {
      /**
       * Handles one event, inside `withCorrelation(event.correlationId)`. Must be idempotent:
       * after a crash or rebalance an event is handled again. Its offset is committed only once
       * it resolves.
       */
      readonly handle: EventHandler;
      readonly handleBatch?: never;
      readonly maxBatchEvents?: never;
    }
  | {
      /**
       * Handles the events of a fetched batch together (for bulk writes), up to `maxBatchEvents`
       * at a time; their offsets are committed once it resolves. When it fails, each of those
       * events is handed in again alone (inside its correlation), with the usual retries and
       * dead letters, so one bad event is parked alone. The handler runs outside any one
       * event's correlation: wrap per-event logging in `withCorrelation`.
       */
      readonly handleBatch: EventBatchHandler;
      /** Default 500. */
      readonly maxBatchEvents?: number;
      readonly handle?: never;
    };

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
  /** Signals that drain and stop this consumer. Default SIGTERM and SIGINT; `[]` for none. */
  readonly stopOnSignals?: readonly NodeJS.Signals[];
  /**
   * On a fatal error (a `fatal` classification, a failed dead-letter send, a kafkajs crash it
   * will not recover from), exit the process with code 1 after disconnecting, so a supervisor
   * restarts it. Default true; tests pass false and await `done` instead.
   */
  readonly exitOnFatal?: boolean;
  readonly logger?: Logger;
}

export interface PartitionStats {
  readonly topic: string;
  readonly partition: number;
  /** The next offset this consumer will handle. */
  readonly nextOffset: string;
  readonly highWatermark: string;
  readonly lag: number;
}

export interface EventConsumerStats {
  readonly state: 'running' | 'stopping' | 'stopped' | 'failed';
  readonly processed: number;
  readonly deadLettered: number;
  readonly retries: number;
  /** Messages behind the end of the partitions this member has fetched from. */
  readonly lag: number;
  readonly partitions: readonly PartitionStats[];
  readonly lastError: string | null;
}

export interface EventConsumer {
  /** Finishes the event in hand, commits what was handled, and disconnects. */
  stop(): Promise<void>;
  /** Counts and lag for health checks; cheap, from memory. */
  stats(): EventConsumerStats;
  /** Resolves when stopped; rejects with the error that made the consumer fail. */
  readonly done: Promise<void>;
}

type Outcome = 'handled' | 'abandoned';

interface DecodedMessage {
  readonly message: KafkaMessage;
  readonly event: CashTrackEvent;
}

/** The last offset of a run that was handled, and whether the rest was given up. */
interface RunOutcome {
  readonly lastHandled: string | undefined;
  readonly abandoned?: true;
}

/**
 * Runs `handle` for every event on `topics`, with at-least-once delivery: kafkajs `eachBatch`,
 * each offset resolved after its handler succeeded and committed at the end of the batch. A
 * message that cannot be decoded, or whose handler keeps failing, goes to `<topic>.dlq` with the
 * error and its original headers; then the runner commits it and goes on. Resolves once the
 * consumer has joined its group and is fetching.
 */
export async function runEventConsumer(options: EventConsumerOptions): Promise<EventConsumer> {
  const {
    kafka,
    groupId,
    fromBeginning = true,
    retry = defaultRetryPolicy,
    classifyError = defaultClassifyError,
    sessionTimeoutMs = envInt('KAFKA_CONSUMER_SESSION_TIMEOUT_MS', 10_000),
    rebalanceTimeoutMs = 60_000,
    maxWaitTimeMs = 1_000,
    partitionsConsumedConcurrently = 1,
    stopOnSignals = ['SIGTERM', 'SIGINT'],
    exitOnFatal = true,
  } = options;
  const handleBatch = options.handleBatch;
  const handle = singleEventHandler(options);
  const maxBatchEvents = Math.max(1, options.maxBatchEvents ?? 500);
  const heartbeatIntervalMs =
    options.heartbeatIntervalMs ?? Math.min(3_000, Math.floor(sessionTimeoutMs / 10));
  const log = options.logger ?? createLogger('event-consumer');
  const heartbeatCheckMs = Math.max(10, Math.floor(heartbeatIntervalMs / 3));

  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: sessionTimeoutMs,
    heartbeatInterval: heartbeatIntervalMs,
    rebalanceTimeout: rebalanceTimeoutMs,
    maxWaitTimeInMs: maxWaitTimeMs,
    allowAutoTopicCreation: false,
  });
  const deadLetters = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });

  let state: EventConsumerStats['state'] = 'running';
  let processed = 0;
  let deadLettered = 0;
  let retries = 0;
  let lastError: string | null = null;
  const partitions = new Map<string, PartitionStats>();
  let stopping: Promise<void> | undefined;
  let settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  const done = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // Nobody may await `done`; a rejection must not become an unhandled rejection.
  done.catch(() => undefined);

  const shouldStop = (): boolean => state !== 'running';

  async function sendToDeadLetter(
    batch: Batch,
    message: KafkaMessage,
    error: unknown,
    attempts: number,
  ): Promise<void> {
    const letter = deadLetterMessage({
      message,
      error,
      topic: batch.topic,
      partition: batch.partition,
      groupId,
      attempts,
      now: new Date(),
    });
    try {
      await deadLetters.send({
        topic: deadLetterTopic(batch.topic),
        acks: -1,
        messages: [letter],
      });
    } catch (sendError) {
      // Committing a message we could neither handle nor park would lose it: stop instead.
      throw new FatalConsumerError(
        `Could not dead-letter ${batch.topic}[${batch.partition}]@${message.offset}: ${errorMessage(sendError)}`,
        { cause: sendError },
      );
    }
    deadLettered += 1;
    lastError = errorMessage(error);
    log.error(
      {
        topic: batch.topic,
        partition: batch.partition,
        offset: message.offset,
        attempts,
        err: error,
      },
      'message dead-lettered',
    );
  }

  /** Waits `ms` while heartbeating; true if the wait was cut short because work must stop. */
  async function pause(ms: number, heartbeat: () => Promise<void>, stale: () => boolean) {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (shouldStop() || stale()) return true;
      await delay(Math.min(100, until - Date.now()));
      try {
        await heartbeat();
      } catch {
        // A rebalance began (or the broker is unreachable): give the message up; kafkajs rejoins
        // on its next call and whoever owns the partition then handles it.
        return true;
      }
    }
    return shouldStop() || stale();
  }

  /**
   * Decodes and handles one message. The first attempt is the hot path and stays lean (one
   * promise per event); failures go to `recover`, which retries, dead-letters or gives up.
   */
  async function processMessage(
    batch: Batch,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
    stale: () => boolean,
  ): Promise<Outcome> {
    let event: CashTrackEvent;
    try {
      event = decodeEvent(message);
    } catch (error) {
      await sendToDeadLetter(batch, message, error, 0);
      return 'handled';
    }
    return handleEvent(batch, message, event, heartbeat, stale);
  }

  async function handleEvent(
    batch: Batch,
    message: KafkaMessage,
    event: CashTrackEvent,
    heartbeat: () => Promise<void>,
    stale: () => boolean,
  ): Promise<Outcome> {
    try {
      await attempt(batch, message, event, 1, heartbeat);
      processed += 1;
      return 'handled';
    } catch (error) {
      return withCorrelation(event.correlationId, () =>
        recover(batch, message, event, error, heartbeat, stale),
      );
    }
  }

  /**
   * Batch mode: hands `run` (consecutive decoded messages of one partition) to the batch handler
   * at once; if that fails, hands each event in alone with the usual retries and dead letters.
   */
  async function handleRun(
    batch: Batch,
    run: readonly DecodedMessage[],
    heartbeat: () => Promise<void>,
    stale: () => boolean,
  ): Promise<RunOutcome> {
    const last = run.at(-1);
    if (last === undefined || handleBatch === undefined) return { lastHandled: undefined };
    if (run.length > 1) {
      try {
        await handleBatch(
          run.map(({ message, event }) => ({
            event,
            partition: batch.partition,
            offset: message.offset,
          })),
          { topic: batch.topic, partition: batch.partition, attempt: 1, heartbeat },
        );
        processed += run.length;
        return { lastHandled: last.message.offset };
      } catch (error) {
        if (classifyError(error) === 'fatal') throw error;
        lastError = errorMessage(error);
        log.warn(
          { topic: batch.topic, partition: batch.partition, events: run.length, err: error },
          'batch failed; handling its events one at a time',
        );
      }
    }
    let lastHandled: string | undefined;
    for (const { message, event } of run) {
      if (shouldStop() || stale()) return { lastHandled, abandoned: true };
      if ((await handleEvent(batch, message, event, heartbeat, stale)) === 'abandoned') {
        return { lastHandled, abandoned: true };
      }
      lastHandled = message.offset;
    }
    return { lastHandled };
  }

  function attempt(
    batch: Batch,
    message: KafkaMessage,
    event: CashTrackEvent,
    number: number,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    const context: EventContext = {
      topic: batch.topic,
      partition: batch.partition,
      offset: message.offset,
      attempt: number,
      heartbeat,
    };
    return withCorrelation(event.correlationId, () => handle(event, context));
  }

  async function recover(
    batch: Batch,
    message: KafkaMessage,
    event: CashTrackEvent,
    firstError: unknown,
    heartbeat: () => Promise<void>,
    stale: () => boolean,
  ): Promise<Outcome> {
    let error = firstError;
    // Only failures of the event itself count toward dead-lettering; an outage of the database
    // or the broker is waited out on the same message however long it lasts (pauses capped at
    // the policy's maximum), so it neither empties the topic into the DLQ nor stops the process.
    let failures = 0;
    let waits = 0;
    for (let number = 1; ; number += 1) {
      const action = classifyError(error);
      if (action === 'fatal') throw error;
      if (action === 'wait') waits += 1;
      else failures += 1;
      if (action === 'dead-letter' || failures >= retry.maxAttempts) {
        await sendToDeadLetter(batch, message, error, number);
        return 'handled';
      }
      retries += 1;
      lastError = errorMessage(error);
      if (action === 'retry' || waits === 1 || waits % 10 === 0) {
        log.warn(
          { type: event.type, eventId: event.eventId, attempt: number, err: error },
          action === 'wait'
            ? 'dependency unreachable; waiting to retry'
            : 'handler failed, retrying',
        );
      }
      const pauseMs =
        action === 'wait' ? retryDelayMs(retry, waits) : retryDelayMs(retry, failures);
      // Abandoning leaves the offset uncommitted: whoever owns the partition next retries it.
      if (await pause(pauseMs, heartbeat, stale)) return 'abandoned';
      try {
        await attempt(batch, message, event, number + 1, heartbeat);
        processed += 1;
        return 'handled';
      } catch (next) {
        error = next;
      }
    }
  }

  function recordPosition(batch: Batch, nextOffset: number): void {
    const highWatermark = Number(batch.highWatermark);
    partitions.set(`${batch.topic}:${batch.partition}`, {
      topic: batch.topic,
      partition: batch.partition,
      nextOffset: String(nextOffset),
      highWatermark: batch.highWatermark,
      lag: Math.max(0, highWatermark - nextOffset),
    });
  }

  async function fail(error: unknown): Promise<void> {
    if (state === 'failed' || state === 'stopped') return;
    state = 'failed';
    lastError = errorMessage(error);
    log.fatal({ err: error, groupId }, 'consumer failed; stopping without committing further');
    removeSignalHandlers();
    await Promise.allSettled([consumer.disconnect(), deadLetters.disconnect()]);
    settle?.reject(error);
    if (exitOnFatal) process.exit(1);
  }

  const onSignal = (signal: NodeJS.Signals): void => {
    log.info({ signal, groupId }, 'signal received; draining');
    void stop();
  };
  function removeSignalHandlers(): void {
    for (const signal of stopOnSignals) process.off(signal, onSignal);
  }

  function stop(): Promise<void> {
    stopping ??= (async () => {
      if (state === 'running') state = 'stopping';
      removeSignalHandlers();
      // kafkajs waits for the batch in hand; the batch loop stops after the current event and
      // commits what it resolved.
      await consumer.disconnect();
      await deadLetters.disconnect();
      if (state === 'stopping') {
        state = 'stopped';
        log.info({ groupId, processed, deadLettered }, 'consumer stopped');
        settle?.resolve();
      }
    })();
    return stopping;
  }

  consumer.on(consumer.events.CRASH, ({ payload }) => {
    // kafkajs restarts itself after retriable errors; anything else is ours to report.
    if (!payload.restart) void fail(payload.error);
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    // Forget positions of partitions that moved to another member, so lag is only our own.
    const assigned = payload.memberAssignment;
    for (const [key, position] of partitions) {
      if (!(assigned[position.topic] ?? []).includes(position.partition)) partitions.delete(key);
    }
  });

  await retryAtStartup(`Kafka consumer group ${groupId}`, async () => {
    await Promise.all([consumer.connect(), deadLetters.connect()]);
    await consumer.subscribe({ topics: [...options.topics], fromBeginning });
  });
  await consumer.run({
    autoCommit: true,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently,
    eachBatch: async (payload) => {
      const { batch } = payload;
      const heartbeat = (): Promise<void> => payload.heartbeat();
      const stale = (): boolean => !payload.isRunning() || payload.isStale();
      let lastResolved: string | undefined;
      let lastBeat = Date.now();
      const beatIfDue = async (): Promise<void> => {
        // kafkajs sends a heartbeat only once per interval anyway; skipping the call in between
        // saves a promise per message. Errors from kafkajs itself (a rebalance under way, a lost
        // connection) propagate: kafkajs rejoins or reconnects, and uncommitted messages are
        // delivered again.
        if (Date.now() - lastBeat >= heartbeatCheckMs) {
          lastBeat = Date.now();
          await payload.heartbeat();
        }
      };
      // Errors of our handling stop the consumer; kafkajs's own (from heartbeats) propagate.
      let handlingFailed = false;
      const handling = async <T>(work: () => Promise<T>): Promise<T> => {
        try {
          return await work();
        } catch (error) {
          handlingFailed = true;
          throw error;
        }
      };
      try {
        if (handleBatch === undefined) {
          for (const message of batch.messages) {
            if (shouldStop() || stale()) break;
            const outcome = await handling(() => processMessage(batch, message, heartbeat, stale));
            if (outcome === 'abandoned') break;
            // Resolved once, for the last handled message, in `finally`: kafkajs does Long
            // arithmetic per call, and offsets within a partition are handled strictly in order.
            lastResolved = message.offset;
            await beatIfDue();
          }
        } else {
          let run: DecodedMessage[] = [];
          // Hands the run in; false when the rest of the batch must wait for a redelivery.
          const flush = async (): Promise<boolean> => {
            const handed = run;
            run = [];
            const outcome = await handling(() => handleRun(batch, handed, heartbeat, stale));
            if (outcome.lastHandled !== undefined) lastResolved = outcome.lastHandled;
            return outcome.abandoned !== true;
          };
          for (const message of batch.messages) {
            if (shouldStop() || stale()) break;
            let event: CashTrackEvent;
            try {
              event = decodeEvent(message);
            } catch (error) {
              // In order: what came before is handled before this one is parked.
              if (!(await flush())) break;
              await handling(() => sendToDeadLetter(batch, message, error, 0));
              lastResolved = message.offset;
              continue;
            }
            run.push({ message, event });
            if (run.length >= maxBatchEvents) {
              if (!(await flush())) break;
              await beatIfDue();
            }
          }
          if (!shouldStop() && !stale()) await flush();
        }
      } catch (error) {
        if (!handlingFailed) throw error;
        // Offsets resolved before the failing message are committed by kafkajs; it is not.
        // `fail` disconnects, which waits for this batch, so it must not be awaited here.
        void fail(error);
        return;
      } finally {
        if (lastResolved !== undefined) {
          payload.resolveOffset(lastResolved);
          recordPosition(batch, Number(lastResolved) + 1);
        }
      }
      await payload.commitOffsetsIfNecessary();
    },
  });
  for (const signal of stopOnSignals) process.on(signal, onSignal);
  log.info({ groupId, topics: options.topics }, 'consumer running');

  return {
    stop,
    done,
    stats: () => {
      const list = [...partitions.values()];
      return {
        state,
        processed,
        deadLettered,
        retries,
        lag: list.reduce((sum, position) => sum + position.lag, 0),
        partitions: list,
        lastError,
      };
    },
  };
}

/** The one-event handler: `handle` itself, or the batch handler given a batch of one. */
function singleEventHandler(handling: EventHandling): EventHandler {
  if (handling.handleBatch === undefined) return handling.handle;
  const { handleBatch } = handling;
  return (event, context) =>
    handleBatch([{ event, partition: context.partition, offset: context.offset }], {
      topic: context.topic,
      partition: context.partition,
      attempt: context.attempt,
      heartbeat: () => context.heartbeat(),
    });
}
