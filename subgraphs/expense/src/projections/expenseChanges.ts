import type { PositionedEvent } from '@cashtrack/events';
import type { TraceCarrier } from '@cashtrack/platform';
import type { ExpenseView } from '../readModels/expensesReadModel.ts';
import { eventCursor } from './eventCursor.ts';

/**
 * A change the projector has just applied, as subscribers will hear it (DESIGN.md,
 * `ExpenseChange`). Reported once per change, after every read model has it.
 */
export interface ExpenseChange {
  /** Where the change stands in its user's history (see subscriptions/changeLog.ts). */
  readonly cursor: string;
  readonly kind: 'ADDED' | 'UPDATED' | 'DELETED' | 'REJECTED';
  readonly userId: string;
  /** The event that made the change; a fan-out keyed by it can drop repeats. */
  readonly eventId: string;
  readonly correlationId: string;
  readonly expenseId: string | null;
  /** The expense after the change; for DELETED its last state. Null for REJECTED. */
  readonly expense: ExpenseView | null;
  /** The message the expense came from, or the rejected message. */
  readonly messageId: string | null;
  /** When the event that made the change happened. */
  readonly occurredAt: string;
  /**
   * The trace context of the projector's span for that event, so the delivery to subscribers
   * continues its trace. Only while tracing is on.
   */
  readonly traceContext?: TraceCarrier;
}

/**
 * Where applied changes go: the change log and the announcement to every replica
 * (subscriptions/changeReporter.ts), in topic order. The projector hands the changes over as
 * soon as it has judged the batch, with `readModelsWritten`, which settles once the read models
 * have them (default: written already): the reporter may prepare meanwhile, but logs and
 * announces nothing before it resolves, and fails if it rejects. All of it happens before the
 * events' offsets are committed; redelivered events report them again (the report is
 * idempotent), so no change is lost to a crash in between. A failing reporter fails the events,
 * which are retried.
 */
export type ReportExpenseChanges = (
  changes: readonly ExpenseChange[],
  readModelsWritten?: Promise<void>,
) => Promise<void>;

/** What every change says of the event that made it. */
export function changeBasis({
  event,
  partition,
  offset,
  traceContext,
}: PositionedEvent): Pick<
  ExpenseChange,
  'cursor' | 'userId' | 'eventId' | 'correlationId' | 'occurredAt' | 'traceContext'
> {
  const basis = {
    cursor: eventCursor(partition, offset),
    userId: event.userId,
    eventId: event.eventId,
    correlationId: event.correlationId,
    occurredAt: event.occurredAt,
  };
  return traceContext === undefined ? basis : { ...basis, traceContext };
}
