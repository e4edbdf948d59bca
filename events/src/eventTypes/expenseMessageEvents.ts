import { z } from 'zod';
import { defineEvent } from './eventDefinition.ts';
import { currencySchema, timeZoneSchema } from './fields.ts';

/** A chat message to be parsed (aggregateId = messageId), on `cashtrack.expense-messages`. */

export const expenseMessageSubmitted = defineEvent({
  type: 'ExpenseMessageSubmitted',
  topic: 'expenseMessages',
  version: 1,
  payload: z.object({
    text: z.string().min(1).max(500),
    // The sender's zone and currency at submission time, so "today" and "$" resolve as they meant.
    timezone: timeZoneSchema,
    currency: currencySchema,
  }),
  upcasters: {},
  aggregateVersion: 1,
});
