import { z } from 'zod';
import { defineEvent } from './eventDefinition.ts';
import { currencySchema, safeText, timeZoneSchema } from './fields.ts';

/** A chat message to be parsed (aggregateId = messageId), on `cashtrack.expense-messages`. */

export const expenseMessageSubmitted = defineEvent({
  type: 'ExpenseMessageSubmitted',
  topic: 'expenseMessages',
  version: 1,
  payload: z.object({
    // Multi-line: a chat message may hold tabs and line breaks, never other controls.
    text: z.string().min(1).max(500).superRefine(safeText('multiLine')),
    // The sender's zone and currency at submission time, so "today" and "$" resolve as they meant.
    timezone: timeZoneSchema,
    currency: currencySchema,
  }),
  upcasters: {},
  aggregateVersion: 1,
});
