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
 * Published in one batch with the `ExpenseUpdated` it explains, on `cashtrack.expenses`, so it
 * follows that update in the user's partition. It is an aggregate of its own (one event,
 * version 1): the expense's versions stay the expense's. Of two updates racing for one
 * expense version, the first in the topic wins the expense; a reader keeps the first
 * correction per `expenseId` and `expenseVersion` for the same reason.
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
