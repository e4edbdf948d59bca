import { randomUUID } from 'node:crypto';
import { parseEvent } from './codec.ts';
import {
  eventCatalog,
  type EventOfType,
  type EventType,
  type PayloadOf,
  type CashTrackEvent,
} from './eventCatalog.ts';

export interface NewEventInput<Type extends EventType> {
  readonly type: Type;
  readonly userId: string;
  readonly aggregateId: string;
  readonly aggregateVersion: number;
  readonly payload: PayloadOf<Type>;
  readonly correlationId: string;
  /** The `eventId` of the event this one reacts to; omitted or `null` when a request caused it. */
  readonly causationId?: string | null;
  /** When it happened; passed in so deciders and tests stay deterministic. */
  readonly now: Date;
}

/**
 * A validated envelope at the current version with a fresh `eventId`. Pure apart from the UUID.
 * Throws `EventValidationError` (`INVALID_EVENT`) naming the field, so an invalid event never
 * reaches an outbox or a topic.
 */
export function newEvent<Type extends EventType>(input: NewEventInput<Type>): EventOfType<Type> {
  return parseEvent({
    eventId: randomUUID(),
    type: input.type,
    version: eventCatalog[input.type].version,
    occurredAt: input.now.toISOString(),
    userId: input.userId,
    aggregateId: input.aggregateId,
    aggregateVersion: input.aggregateVersion,
    correlationId: input.correlationId,
    causationId: input.causationId ?? null,
    payload: input.payload,
  }) as EventOfType<Type>;
}

/** `correlationId` and `causationId` for an event caused by `cause`, to spread into `newEvent`. */
export function causedBy(cause: CashTrackEvent): {
  readonly correlationId: string;
  readonly causationId: string;
} {
  return { correlationId: cause.correlationId, causationId: cause.eventId };
}
