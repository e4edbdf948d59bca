import type { Evolve } from '../src/mongo/index.ts';
import type { EventOfType } from '../src/index.ts';

/** A minimal expense read model for tests: counts applied events to prove exactly-once. */
export interface ExpenseView {
  readonly userId: string;
  readonly amountMinor: number;
  readonly deleted: boolean;
  readonly appliedEvents: number;
}

type ExpenseEvent = EventOfType<'ExpenseRecorded' | 'ExpenseUpdated' | 'ExpenseDeleted'>;

export const evolveExpenseView: Evolve<ExpenseView, ExpenseEvent> = (current, event) => {
  const appliedEvents = (current?.appliedEvents ?? 0) + 1;
  switch (event.type) {
    case 'ExpenseRecorded':
    case 'ExpenseUpdated':
      return {
        userId: event.userId,
        amountMinor: event.payload.amountMinor,
        deleted: false,
        appliedEvents,
      };
    case 'ExpenseDeleted':
      return {
        userId: event.userId,
        amountMinor: current?.amountMinor ?? 0,
        deleted: true,
        appliedEvents,
      };
  }
};

export function isExpenseEvent(event: { readonly type: string }): event is ExpenseEvent {
  return ['ExpenseRecorded', 'ExpenseUpdated', 'ExpenseDeleted'].includes(event.type);
}
