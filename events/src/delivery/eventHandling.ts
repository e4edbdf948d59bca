import type { TraceCarrier } from '@cashtrack/platform';
import type { CashTrackEvent } from '../eventCatalog.ts';

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

/**
 * Handles one event. A handler whose work is synchronous may return nothing: the runner then
 * goes on to the next event at once, with no promise or microtask of its own for this one.
 */
export type EventHandler = (event: CashTrackEvent, context: EventContext) => Promise<void> | void;

/** An event and where it stands in its partition. */
export interface PositionedEvent<Event extends CashTrackEvent = CashTrackEvent> {
  readonly event: Event;
  readonly partition: number;
  readonly offset: string;
  /**
   * The trace context of this event's process span, for what the handler hands on (the change a
   * projector reports, which its subscribers' delivery continues). Only while tracing is on.
   */
  readonly traceContext?: TraceCarrier;
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
       * it resolves (or returns, when it returns no promise); a throw is a failure like a
       * rejection.
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
