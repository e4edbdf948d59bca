import type { Db } from 'mongodb';
import {
  topicForEventType,
  type CashTrackEvent,
  type EventOfType,
  type EventType,
  type PositionedEvent,
} from '@cashtrack/events';
import { type ProjectionResult } from '@cashtrack/events/mongo';
import { CodedError } from '@cashtrack/platform';
import type { ReadModelName } from '../readModels/readModelNames.ts';
import type { ExpenseChange } from './expenseChanges.ts';

/**
 * Where a read model opens its collections by their live names: the service's database, or a
 * rebuild's view of it in which those names are the copies being built.
 */
export type ReadModelDatabase = Pick<Db, 'collection'>;

/**
 * One read model of the expense service, whole: the events it is built from, its collections,
 * their indexes, how a batch of events becomes writes, and the writes. The live projector and
 * the rebuild (`npm run replay:expenses`) both run the list in `expenseReadModelProjections`.
 */
export interface ReadModelProjection {
  /** Its collection. */
  readonly name: ReadModelName;
  /** Other collections written from the same events, rebuilt and swapped in with it. */
  readonly companions: readonly ReadModelName[];
  /**
   * Raised whenever its documents change shape: a service that finds another version recorded
   * rebuilds it from the topics before it projects anything (see `readModelVersions.ts`).
   */
  readonly version: number;
  /** The events it reads; its topics follow from them. */
  readonly eventTypes: readonly EventType[];
  /** The read model on the collections `database` names. */
  bind(database: ReadModelDatabase): BoundReadModel;
}

export interface BoundReadModel {
  /** Creates its indexes; idempotent. */
  prepare(): Promise<void>;
  /**
   * Judges consecutive events of one partition (any topic; those it does not read are left
   * out), reading what it must, and answers the writes without making them.
   */
  plan(events: readonly PositionedEvent[]): Promise<PlannedWrites>;
}

/** A batch judged against a read model, not written yet. */
export interface PlannedWrites {
  /** Events held back because an earlier version of their aggregate is not applied yet. */
  readonly gaps: readonly ProjectionGap[];
  /** What subscribers hear once the writes are made (a rebuild reports nothing). */
  readonly changes: readonly ExpenseChange[];
  /** Makes the writes; idempotent, so a redelivery after a crash in the middle heals it. */
  commit(): Promise<void>;
}

export interface ProjectionGap {
  readonly event: CashTrackEvent;
  /** The version the read model holds of the event's aggregate. */
  readonly have: number;
}

/** The topics, with `prefix`, that a read model is built from. */
export function topicsOf(projection: ReadModelProjection, prefix: string): string[] {
  return [...new Set(projection.eventTypes.map((type) => `${prefix}${topicForEventType(type)}`))];
}

/** Whether a positioned event is of one of `types`, narrowing it. */
export function isPositionedEventOf<Type extends EventType>(
  types: readonly Type[],
): (positioned: PositionedEvent) => positioned is PositionedEvent<EventOfType<Type>> {
  const accepted: ReadonlySet<EventType> = new Set(types);
  return (positioned): positioned is PositionedEvent<EventOfType<Type>> =>
    accepted.has(positioned.event.type);
}

/** The events whose outcome (`results`, in the same order) is `gap`, with the version there was. */
export function gapsOf(
  events: readonly CashTrackEvent[],
  results: readonly ProjectionResult[],
): ProjectionGap[] {
  return events.flatMap((event, index) => {
    const result = results[index];
    return result?.outcome === 'gap' ? [{ event, have: result.version }] : [];
  });
}

/**
 * An event that is not the next version of its aggregate: an earlier one has not been applied
 * yet. Thrown so the consumer runner retries (a rebuild swapping collections, a replica lagging)
 * and, if it never resolves, dead-letters it where someone looks.
 */
export class ProjectionGapError extends CodedError {
  constructor({ event, have }: ProjectionGap, readModel: string) {
    super(
      'PROJECTION_GAP',
      `${event.type} ${event.eventId} is version ${event.aggregateVersion} of ${event.aggregateId}, but ${readModel} is at ${have}`,
      { readModel, aggregateId: event.aggregateId, have, want: event.aggregateVersion },
    );
  }
}
