import { setTimeout as delay } from 'node:timers/promises';
import {
  activeTraceCarrier,
  createLogger,
  errorMessage,
  withCorrelation,
  type Logger,
  type TraceCarrier,
} from '@cashtrack/platform';
import { decodeEvent } from '../codec.ts';
import { deadLetterMessage, type DeadLetterMessage, type SourceMessage } from '../deadLetter.ts';
import type { CashTrackEvent } from '../eventCatalog.ts';
import {
  defaultClassifyError,
  defaultRetryPolicy,
  FatalConsumerError,
  retryDelayMs,
  type FailureAction,
  type RetryPolicy,
} from '../retryPolicy.ts';
import {
  DeliveryStatistics,
  type DeliveryState,
  type EventConsumerStats,
  type TopicCounts,
} from './deliveryStats.ts';
import type {
  EventBatchHandler,
  EventContext,
  EventHandler,
  EventHandling,
} from './eventHandling.ts';

/**
 * The transport-free half of an event consumer: decode, handle, retry, park (dead-letter), pause,
 * stop and count, for messages a transport fetched. It knows no broker client, the way
 * graphql-ws's server core knows no socket: the Kafka adapter (`kafka/eventConsumer.ts`) hands
 * it each fetched batch of a partition and commits what it marks handled.
 */

/** Consecutive fetched messages of one partition, and what the transport offers meanwhile. */
export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly SourceMessage[];
  /** The partition's end offset when it was fetched, for the lag. */
  readonly highWatermark: string;
  /** Keeps the group membership alive; rejects when it is lost (a rebalance, the broker gone). */
  readonly heartbeat: () => Promise<void>;
  /**
   * True once the rest of the batch will be delivered again anyway (the transport stopped or
   * sought). Asked with each heartbeat and before each retry, not per event: what is handled in
   * between is handled again on redelivery, which at-least-once handlers allow.
   */
  isStale(): boolean;
  /**
   * Everything up to and including `offset` was handled or parked and may be committed. Called
   * at most once per delivery, as it ends, and only with an offset whose message, and every one
   * before it, was handled or parked.
   */
  commitUpTo(offset: string): void;
}

/** Keeps `letter` on the dead-letter topic of `sourceTopic`; rejects when it could not. */
export type DeadLetterSink = (sourceTopic: string, letter: DeadLetterMessage) => Promise<void>;

/** Runs handling inside spans of the trace each message carries in its headers. */
export interface DeliveryTracing {
  /**
   * The `traceparent` of the unsampled trace the message's handling continues (its own, or a new
   * one left out of the sample when it carries none): its handling then runs with no span, the
   * traceparent riding in its correlation context (nearly all messages at a low sampling ratio,
   * so this must cost next to nothing). Undefined when the handling is traced.
   */
  unsampledTraceparent(message: SourceMessage): string | undefined;
  /**
   * Runs `work` in the trace `message` carries, with no span of its own: a sampled message's
   * recovery between attempts (its retries, its dead letter), so what that logs carries its ids.
   */
  inTrace<T>(message: SourceMessage, work: () => Promise<T>): Promise<T>;
  /**
   * One event's handling attempt, in its message's trace: its span ends as `work` does, at once
   * when `work` returns no promise.
   */
  one<T>(topic: string, message: SourceMessage, work: () => T | Promise<T>): T | Promise<T>;
  /**
   * A batch handler's run over several messages, in each message's trace; `work` is given the
   * trace context of each message's process span, in the messages' order.
   */
  batch<T>(
    topic: string,
    messages: readonly SourceMessage[],
    work: (traceContexts: readonly (TraceCarrier | undefined)[]) => Promise<T>,
  ): Promise<T>;
}

export interface DeliveryCoreOptions {
  readonly handling: EventHandling;
  /** The consumer group, named in dead letters. */
  readonly groupId: string;
  readonly deadLetters: DeadLetterSink;
  /** Retries of a failing handler before the message is dead-lettered. Default `defaultRetryPolicy`. */
  readonly retry?: RetryPolicy;
  /** Decides per handler error: retry, wait, dead-letter, or stop. Default `defaultClassifyError`. */
  readonly classifyError?: (error: unknown) => FailureAction;
  /**
   * Between events, a heartbeat (and a look at whether the batch went stale) at most this often:
   * the transport sends one per interval anyway, and asking per event costs a promise each.
   */
  readonly heartbeatEveryMs: number;
  /**
   * Told once, when handling failed for good (a `fatal` classification, a dead letter that could
   * not be kept) or the transport reported it cannot go on (`fail`). Nothing more is handled or
   * marked; the transport should disconnect without committing further.
   */
  readonly onFatal: (error: unknown) => void;
  readonly logger?: Logger;
  /** Given only while tracing is on, so tracing off costs the hot path one comparison. */
  readonly tracing?: DeliveryTracing;
  /** Waits between retries, in slices of at most 100 ms. Default a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface DeliveryCore {
  /**
   * Handles the messages of `batch` in order until the batch ends, the core stops, or the rest
   * must wait for a redelivery; marks the last one handled through `batch.commitUpTo`. Rejects
   * only with the transport's own errors (from `heartbeat`), after marking what was handled.
   */
  deliver(batch: PartitionBatch): Promise<void>;
  /** Takes no more events; resolves once the deliveries in hand have finished their event. */
  stop(): Promise<void>;
  /** Stops for good: the transport cannot go on. */
  fail(error: unknown): void;
  state(): DeliveryState;
  /** Forgets the positions of partitions this member no longer holds. */
  keepPartitions(isAssigned: (topic: string, partition: number) => boolean): void;
  stats(): EventConsumerStats;
}

type Outcome = 'handled' | 'abandoned';

/** A delivery in progress: its batch, the last offset handled, when the next heartbeat is due. */
interface Progress {
  readonly batch: PartitionBatch;
  /** The batch's topic's counts, looked up once per batch. */
  readonly counts: TopicCounts;
  lastHandled: string | undefined;
  heartbeatDueAt: number;
}

interface DecodedMessage {
  readonly message: SourceMessage;
  readonly event: CashTrackEvent;
}

const longestSleepSliceMs = 100;

export function createDeliveryCore(options: DeliveryCoreOptions): DeliveryCore {
  const {
    handling,
    groupId,
    deadLetters,
    retry = defaultRetryPolicy,
    classifyError = defaultClassifyError,
    heartbeatEveryMs,
    onFatal,
    sleep = (ms: number) => delay(ms),
  } = options;
  const handleBatch = handling.handleBatch;
  const handle = singleEventHandler(handling, options.tracing !== undefined);
  const maxBatchEvents = Math.max(1, handling.maxBatchEvents ?? 500);
  const log = options.logger ?? createLogger('event-consumer');
  const tracing = options.tracing;
  const statistics = new DeliveryStatistics();

  let state: DeliveryState = 'running';
  let inFlight = 0;
  let drained: (() => void) | undefined;
  let stopping: Promise<void> | undefined;

  function fail(error: unknown): void {
    if (state === 'failed' || state === 'stopped') return;
    state = 'failed';
    statistics.noteError(error);
    log.fatal({ err: error, groupId }, 'consumer failed; stopping without committing further');
    onFatal(error);
  }

  async function park(
    batch: PartitionBatch,
    message: SourceMessage,
    error: unknown,
    attempts: number,
  ): Promise<Outcome> {
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
      await deadLetters(batch.topic, letter);
    } catch (sendError) {
      // Committing a message we could neither handle nor park would lose it: stop instead.
      fail(
        new FatalConsumerError(
          `Could not dead-letter ${batch.topic}[${batch.partition}]@${message.offset}: ${errorMessage(sendError)}`,
          { cause: sendError },
        ),
      );
      return 'abandoned';
    }
    statistics.countsOf(batch.topic).deadLettered += 1;
    statistics.noteError(error);
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
    return 'handled';
  }

  /** True when the work in hand must end here: the core stops or the batch went stale. */
  function mustEnd(batch: PartitionBatch): boolean {
    return state !== 'running' || batch.isStale();
  }

  /** Waits `ms` while heartbeating; true if the wait was cut short because work must end. */
  async function pause(ms: number, batch: PartitionBatch): Promise<boolean> {
    for (let remaining = ms; remaining > 0; remaining -= longestSleepSliceMs) {
      if (mustEnd(batch)) return true;
      await sleep(Math.min(longestSleepSliceMs, remaining));
      try {
        await batch.heartbeat();
      } catch {
        // A rebalance began (or the broker is unreachable): give the message up; the transport
        // rejoins and whoever owns the partition then handles it.
        return true;
      }
    }
    return mustEnd(batch);
  }

  /** A handling attempt: nothing to wait for when the handler is synchronous, traced or not. */
  function attempt(
    batch: PartitionBatch,
    message: SourceMessage,
    event: CashTrackEvent,
    number: number,
  ): Promise<void> | void {
    const context: EventContext = {
      topic: batch.topic,
      partition: batch.partition,
      offset: message.offset,
      attempt: number,
      heartbeat: batch.heartbeat,
    };
    // Tracing off, the hot path is exactly what it was: no extra closure per event.
    if (tracing === undefined) {
      return withCorrelation(event.correlationId, () => handle(event, context));
    }
    const unsampled = tracing.unsampledTraceparent(message);
    if (unsampled !== undefined) {
      return withCorrelation(event.correlationId, () => handle(event, context), unsampled);
    }
    return tracing.one(batch.topic, message, () =>
      withCorrelation(event.correlationId, () => handle(event, context)),
    );
  }

  /** After a first failed attempt: retries, waits an outage out, parks, or gives up. */
  async function recover(
    batch: PartitionBatch,
    message: SourceMessage,
    event: CashTrackEvent,
    firstError: unknown,
  ): Promise<Outcome> {
    let error = firstError;
    // Only failures of the event itself count toward dead-lettering; an outage of the database
    // or the broker is waited out on the same message however long it lasts (pauses capped at
    // the policy's maximum), so it neither empties the topic into the DLQ nor stops the process.
    let failures = 0;
    let waits = 0;
    for (let number = 1; ; number += 1) {
      const action = classifyError(error);
      if (action === 'fatal') {
        fail(error);
        return 'abandoned';
      }
      if (action === 'wait') waits += 1;
      else failures += 1;
      if (action === 'dead-letter' || failures >= retry.maxAttempts) {
        return park(batch, message, error, number);
      }
      statistics.countsOf(batch.topic).retries += 1;
      statistics.noteError(error);
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
      // Abandoning leaves the offset unmarked: whoever owns the partition next retries it.
      if (await pause(pauseMs, batch)) return 'abandoned';
      try {
        await attempt(batch, message, event, number + 1);
        statistics.countsOf(batch.topic).processed += 1;
        return 'handled';
      } catch (next) {
        error = next;
      }
    }
  }

  /** One event, first attempt first: the hot path is one handler promise, nothing more. */
  async function handleOne(
    batch: PartitionBatch,
    message: SourceMessage,
    event: CashTrackEvent,
  ): Promise<Outcome> {
    try {
      await attempt(batch, message, event, 1);
      statistics.countsOf(batch.topic).processed += 1;
      return 'handled';
    } catch (error) {
      return recoverInCorrelation(batch, message, event, error);
    }
  }

  /**
   * `recover` in the event's correlation and in its message's trace (sampled or not), as its
   * attempts run: what recovery logs (retries, the dead letter) carries its ids.
   */
  function recoverInCorrelation(
    batch: PartitionBatch,
    message: SourceMessage,
    event: CashTrackEvent,
    error: unknown,
  ): Promise<Outcome> {
    const unsampled = tracing?.unsampledTraceparent(message);
    const inCorrelation = () =>
      withCorrelation(event.correlationId, () => recover(batch, message, event, error), unsampled);
    // A sampled message's attempts each had a span, now ended: recovery runs in its trace.
    return tracing === undefined || unsampled !== undefined
      ? inCorrelation()
      : tracing.inTrace(message, inCorrelation);
  }

  /**
   * Heartbeats when one is due; true when the work in hand must end. The transport's own errors
   * (a rebalance under way, a lost connection) propagate: it rejoins or reconnects, and what was
   * not marked is delivered again.
   */
  async function heartbeatIfDue(progress: Progress): Promise<boolean> {
    const now = Date.now();
    if (now < progress.heartbeatDueAt) return state !== 'running';
    progress.heartbeatDueAt = now + heartbeatEveryMs;
    await progress.batch.heartbeat();
    return mustEnd(progress.batch);
  }

  async function deliverOneByOne(progress: Progress): Promise<void> {
    const { batch } = progress;
    for (const message of batch.messages) {
      if (state !== 'running') return;
      let event: CashTrackEvent;
      try {
        event = decodeEvent(message);
      } catch (error) {
        if ((await park(batch, message, error, 0)) === 'abandoned') return;
        progress.lastHandled = message.offset;
        continue;
      }
      // Not `handleOne`: inlined, the first attempt costs no promise beyond the handler's own,
      // and a synchronous handler's none at all (awaiting its `undefined` would still cost a
      // microtask per event).
      try {
        const handling = attempt(batch, message, event, 1);
        if (handling !== undefined) await handling;
        progress.counts.processed += 1;
      } catch (error) {
        const outcome = await recoverInCorrelation(batch, message, event, error);
        if (outcome === 'abandoned') return;
      }
      progress.lastHandled = message.offset;
      if (Date.now() >= progress.heartbeatDueAt && (await heartbeatIfDue(progress))) return;
    }
  }

  /**
   * Batch mode: hands `run` (consecutive decoded messages of one partition) to the batch handler
   * at once; if that fails, hands each event in alone with the usual retries and dead letters.
   */
  async function handleRun(
    progress: Progress,
    run: readonly DecodedMessage[],
    batchHandler: EventBatchHandler,
  ): Promise<Outcome> {
    const { batch } = progress;
    const last = run.at(-1);
    if (last === undefined) return 'handled';
    if (run.length > 1) {
      const handleAll = (traceContexts?: readonly (TraceCarrier | undefined)[]): Promise<void> =>
        batchHandler(
          run.map(({ message, event }, index) => {
            const traceContext = traceContexts?.[index];
            const positioned = { event, partition: batch.partition, offset: message.offset };
            return traceContext === undefined ? positioned : { ...positioned, traceContext };
          }),
          {
            topic: batch.topic,
            partition: batch.partition,
            attempt: 1,
            heartbeat: batch.heartbeat,
          },
        );
      try {
        await (tracing === undefined
          ? handleAll()
          : tracing.batch(
              batch.topic,
              run.map(({ message }) => message),
              handleAll,
            ));
        progress.counts.processed += run.length;
        progress.lastHandled = last.message.offset;
        return 'handled';
      } catch (error) {
        if (classifyError(error) === 'fatal') {
          fail(error);
          return 'abandoned';
        }
        statistics.noteError(error);
        log.warn(
          { topic: batch.topic, partition: batch.partition, events: run.length, err: error },
          'batch failed; handling its events one at a time',
        );
      }
    }
    for (const { message, event } of run) {
      if (mustEnd(batch)) return 'abandoned';
      if ((await handleOne(batch, message, event)) === 'abandoned') return 'abandoned';
      progress.lastHandled = message.offset;
    }
    return 'handled';
  }

  async function deliverInRuns(progress: Progress, batchHandler: EventBatchHandler): Promise<void> {
    const { batch } = progress;
    let run: DecodedMessage[] = [];
    for (const message of batch.messages) {
      if (state !== 'running') return;
      let event: CashTrackEvent;
      try {
        event = decodeEvent(message);
      } catch (error) {
        // In order: what came before is handled before this one is parked.
        const handed = run;
        run = [];
        if ((await handleRun(progress, handed, batchHandler)) === 'abandoned') return;
        if ((await park(batch, message, error, 0)) === 'abandoned') return;
        progress.lastHandled = message.offset;
        continue;
      }
      run.push({ message, event });
      if (run.length >= maxBatchEvents) {
        const handed = run;
        run = [];
        if ((await handleRun(progress, handed, batchHandler)) === 'abandoned') return;
        if (await heartbeatIfDue(progress)) return;
      }
    }
    if (!mustEnd(batch)) await handleRun(progress, run, batchHandler);
  }

  async function deliver(batch: PartitionBatch): Promise<void> {
    if (state !== 'running') return;
    inFlight += 1;
    const progress: Progress = {
      batch,
      counts: statistics.countsOf(batch.topic),
      lastHandled: undefined,
      heartbeatDueAt: Date.now() + heartbeatEveryMs,
    };
    try {
      await (handleBatch === undefined
        ? deliverOneByOne(progress)
        : deliverInRuns(progress, handleBatch));
    } finally {
      const { lastHandled } = progress;
      if (lastHandled !== undefined) {
        batch.commitUpTo(lastHandled);
        statistics.recordPosition(
          batch.topic,
          batch.partition,
          Number(lastHandled) + 1,
          batch.highWatermark,
        );
      }
      inFlight -= 1;
      if (inFlight === 0) drained?.();
    }
  }

  function stop(): Promise<void> {
    stopping ??= (async () => {
      if (state === 'running') state = 'stopping';
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          drained = resolve;
        });
      }
      if (state === 'stopping') {
        state = 'stopped';
        log.info({ groupId, ...statistics.totals() }, 'consumer stopped');
      }
    })();
    return stopping;
  }

  return {
    deliver,
    stop,
    fail,
    state: () => state,
    keepPartitions: (isAssigned) => statistics.keepPartitions(isAssigned),
    stats: () => statistics.snapshot(state),
  };
}

/**
 * The one-event handler: `handle` itself, or the batch handler given a batch of one (`traced`:
 * with the trace context of the attempt's process span, which is the active one then).
 */
function singleEventHandler(handling: EventHandling, traced: boolean): EventHandler {
  if (handling.handleBatch === undefined) return handling.handle;
  const { handleBatch } = handling;
  return (event, context) => {
    const positioned = { event, partition: context.partition, offset: context.offset };
    const traceContext = traced ? activeTraceCarrier() : undefined;
    return handleBatch(
      [traceContext === undefined ? positioned : { ...positioned, traceContext }],
      {
        topic: context.topic,
        partition: context.partition,
        attempt: context.attempt,
        heartbeat: () => context.heartbeat(),
      },
    );
  };
}
