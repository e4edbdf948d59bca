import type {
  CashTrackEvent,
  EventOfType,
  PositionedEvent,
  ProjectionResult,
} from '@cashtrack/events';
import { CodedError } from '@cashtrack/platform';

/** The events of the Expense aggregate. */
export type ExpenseEvent = EventOfType<'ExpenseRecorded' | 'ExpenseUpdated' | 'ExpenseDeleted'>;

export function isExpenseEvent(event: CashTrackEvent): event is ExpenseEvent {
  return (
    event.type === 'ExpenseRecorded' ||
    event.type === 'ExpenseUpdated' ||
    event.type === 'ExpenseDeleted'
  );
}

export function isPositionedExpenseEvent(
  positioned: PositionedEvent,
): positioned is PositionedEvent<ExpenseEvent> {
  return isExpenseEvent(positioned.event);
}

/** The events whose outcome (`results`, in the same order) is `gap`, with the version there was. */
export function gapsOf(
  events: readonly CashTrackEvent[],
  results: readonly ProjectionResult[],
): { readonly event: CashTrackEvent; readonly have: number }[] {
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
  constructor(event: CashTrackEvent, readModel: string, have: number) {
    super(
      'PROJECTION_GAP',
      `${event.type} ${event.eventId} is version ${event.aggregateVersion} of ${event.aggregateId}, but ${readModel} is at ${have}`,
      { readModel, aggregateId: event.aggregateId, have, want: event.aggregateVersion },
    );
  }
}

/** An event whose aggregate has no state to apply it to (an update of an unknown expense). */
export function missingPredecessor(event: CashTrackEvent): CodedError {
  return new CodedError(
    'PROJECTION_INVALID',
    `${event.type} ${event.eventId} needs an earlier event of ${event.aggregateId}`,
  );
}
