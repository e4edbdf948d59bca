import { z } from 'zod';
import { defineEvent } from './eventDefinition.ts';
import {
  amountMinorSchema,
  calendarDateSchema,
  categorySchema,
  checkAmountInRange,
  currencySchema,
  descriptionSchema,
  parserSchema,
  tokensUsedSchema,
} from './fields.ts';

/** Events of the expense aggregate (aggregateId = expenseId) and message outcomes, on `cashtrack.expenses`. */

const expenseValues = {
  amountMinor: amountMinorSchema,
  currency: currencySchema,
  category: categorySchema,
  description: descriptionSchema,
  occurredOn: calendarDateSchema,
};

/** Where a parsed expense came from: the message, its place among the expenses found in it. */
const originSchema = z
  .object({
    messageId: z.string().min(1).max(200),
    position: z.number().int().nonnegative(),
    count: z.number().int().positive(),
    parser: parserSchema,
    tokensUsed: tokensUsedSchema,
  })
  .refine((origin) => origin.position < origin.count, {
    message: 'position must be less than count',
    path: ['position'],
  });

export const expenseRecorded = defineEvent({
  type: 'ExpenseRecorded',
  topic: 'expenses',
  version: 1,
  payload: z
    .object({
      ...expenseValues,
      source: z.enum(['MESSAGE', 'MANUAL']),
      origin: originSchema.nullable(),
    })
    .superRefine(checkAmountInRange)
    .superRefine((expense, context) => {
      // A parsed expense must say which message it came from; a manual one has none.
      if ((expense.source === 'MESSAGE') !== (expense.origin !== null)) {
        context.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['origin'],
          message: 'must be set when source is MESSAGE and null when source is MANUAL',
        });
      }
    }),
  upcasters: {},
  aggregateVersion: 1,
});

export const expenseUpdated = defineEvent({
  type: 'ExpenseUpdated',
  topic: 'expenses',
  version: 1,
  // The complete new values, so a projection needs no earlier state to apply it.
  payload: z.object(expenseValues).superRefine(checkAmountInRange),
  upcasters: {},
});

export const expenseDeleted = defineEvent({
  type: 'ExpenseDeleted',
  topic: 'expenses',
  version: 1,
  payload: z.object({}),
  upcasters: {},
});

export const expenseMessageRejected = defineEvent({
  type: 'ExpenseMessageRejected',
  topic: 'expenses',
  version: 1,
  payload: z.object({
    reason: z.string().min(1).max(500),
    parser: z.enum(['llm', 'rules', 'none']),
    tokensUsed: tokensUsedSchema,
  }),
  upcasters: {},
  // The second event of the message aggregate, after ExpenseMessageSubmitted.
  aggregateVersion: 2,
});
