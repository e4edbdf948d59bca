import type { PayloadOf } from '@cashtrack/events';
import type { ExpenseState } from './expense.ts';
import type { ExpenseValues } from './expenseValues.ts';

/**
 * Whether an update corrects a parser: the person changed the category of an expense that came
 * from a message. Then `updateExpense` also publishes `ExpenseCategoryCorrected`, from which the
 * parser learns this person's words (issue 20). Pure, like the decider beside it.
 */
export function categoryCorrectionOf(
  expenseId: string,
  before: ExpenseState,
  update: { readonly aggregateVersion: number; readonly values: ExpenseValues },
): PayloadOf<'ExpenseCategoryCorrected'> | undefined {
  if (before.status !== 'live' || before.source !== 'MESSAGE') return undefined;
  if (before.values.category === update.values.category) return undefined;
  return {
    expenseId,
    expenseVersion: update.aggregateVersion,
    // What the parser read, even when the person rewrites the description in the same change.
    description: before.values.description,
    fromCategory: before.values.category,
    toCategory: update.values.category,
    // Null only while the read model still holds the expense in its layout before version 3.
    parsedBy: before.parsedBy,
    occurredOn: update.values.occurredOn,
  };
}
