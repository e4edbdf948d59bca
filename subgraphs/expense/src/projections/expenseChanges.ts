import type { ExpenseView } from '../readModels/expensesReadModel.ts';

/**
 * A change the projector has just applied, as subscribers will hear it (DESIGN.md,
 * `ExpenseChange`). Reported once per change, after every read model has it.
 */
export interface ExpenseChange {
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
}

/**
 * Where applied changes go. This is the hook the subscriptions work plugs into: it will publish
 * each change to a changes topic keyed by user, so every gateway replica hears it. A change is
 * reported after its read model writes and before the event's offset is committed, so a crash in
 * between reports it again on redelivery only if the write was not yet done; until the fan-out
 * exists, that at-most-once gap is accepted. A failing reporter fails the event (it is retried).
 */
export type ReportExpenseChange = (change: ExpenseChange) => Promise<void>;
