import { z } from 'zod';
import { defineEvent } from './eventDefinition.ts';
import {
  calendarDateSchema,
  categorySchema,
  descriptionSchema,
  expenseParserSchema,
} from './fields.ts';

/**
 * A person changed the category of an expense a parser made (`updateExpense`): what the parser
 * read and what the person says it is. The parser learns each person's words from these
 * (the per-user vocabulary); nobody else's corrections ever apply to them.
 *
 * Published on `cashtrack.expenses` once the `ExpenseUpdated` it explains has won its version
 * (the expense read model shows that event there), so it follows that update in the user's
 * partition and a racing update that lost never teaches the parser anything; `causationId` is
 * the update's event id. It is an aggregate of its own (one event, version 1): the expense's
 * versions stay the expense's. A reader keeps the first correction per `expenseId` and
 * `expenseVersion`, so a redelivered one changes nothing.
 */
export const expenseCategoryCorrected = defineEvent({
  type: 'ExpenseCategoryCorrected',
  topic: 'expenses',
  version: 1,
  payload: z.object({
    expenseId: z.string().min(1).max(200),
    /** The `aggregateVersion` of the ExpenseUpdated that made the change. */
    expenseVersion: z.number().int().min(2),
    /** The expense's description before the change: the parser's reading of the message. */
    description: descriptionSchema,
    fromCategory: categorySchema,
    toCategory: categorySchema,
    /**
     * The parser that made the expense; null while the expense read model still holds the
     * expense as it was before it kept the parser (its version 3).
     */
    parsedBy: expenseParserSchema.nullable(),
    occurredOn: calendarDateSchema,
  }),
  upcasters: {},
  aggregateVersion: 1,
});
