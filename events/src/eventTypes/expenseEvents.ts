import { z } from 'zod';
import { defineEvent, upcaster } from './eventDefinition.ts';
import {
  amountMinorSchema,
  calendarDateSchema,
  categorySchema,
  checkAmountInRange,
  currencySchema,
  descriptionSchema,
  expenseParserSchema,
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

function positionWithinCount(origin: {
  readonly position: number;
  readonly count: number;
}): boolean {
  return origin.position < origin.count;
}
const positionIssue = { message: 'position must be less than count', path: ['position'] };

const originFields = {
  messageId: z.string().min(1).max(200),
  position: z.number().int().nonnegative(),
  count: z.number().int().positive(),
  tokensUsed: tokensUsedSchema,
};

/**
 * Where a parsed expense came from: the message, its place among the expenses found in it, the
 * parser that chose its category and, when nothing in the message decided the category,
 * `guessed: true` (absent when the parser was sure), so the app can ask the person to check it.
 */
const originSchema = z
  .object({
    ...originFields,
    parser: expenseParserSchema,
    guessed: z.literal(true).optional(),
  })
  .refine(positionWithinCount, positionIssue);

/** Version 1: the message's parser only, and nothing about guesses. */
const originV1Schema = z
  .object({ ...originFields, parser: parserSchema })
  .refine(positionWithinCount, positionIssue);

function checkOrigin(
  expense: { readonly source: 'MESSAGE' | 'MANUAL'; readonly origin: unknown },
  context: z.RefinementCtx,
): void {
  // A parsed expense must say which message it came from; a manual one has none.
  if ((expense.source === 'MESSAGE') !== (expense.origin !== null)) {
    context.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['origin'],
      message: 'must be set when source is MESSAGE and null when source is MANUAL',
    });
  }
}

const expenseRecordedV1 = z
  .object({
    ...expenseValues,
    source: z.enum(['MESSAGE', 'MANUAL']),
    origin: originV1Schema.nullable(),
  })
  .superRefine(checkAmountInRange)
  .superRefine(checkOrigin);

export const expenseRecorded = defineEvent({
  type: 'ExpenseRecorded',
  topic: 'expenses',
  version: 2,
  payload: z
    .object({
      ...expenseValues,
      source: z.enum(['MESSAGE', 'MANUAL']),
      origin: originSchema.nullable(),
    })
    .superRefine(checkAmountInRange)
    .superRefine(checkOrigin),
  upcasters: {
    // Before version 2 the rules parser put what it could not place in `other`: a guess.
    1: upcaster(expenseRecordedV1, (v1) => ({
      ...v1,
      origin:
        v1.origin === null
          ? null
          : { ...v1.origin, ...(v1.category === 'other' ? { guessed: true } : {}) },
    })),
  },
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
