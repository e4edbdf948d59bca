import { z } from 'zod';
import { defineEvent, upcaster } from './eventDefinition.ts';
import { currencySchema, emailSchema, safeText, timeZoneSchema } from './fields.ts';

/** Events of the user aggregate (aggregateId = userId), on `cashtrack.users`. */

const email = emailSchema;
const displayName = z.string().trim().min(1).max(100).superRefine(safeText('singleLine'));

/** Version 1 had no currency or time zone; DESIGN.md's defaults (USD, UTC) fill them in. */
const userRegisteredV1 = z.object({ email, displayName });

export const userRegistered = defineEvent({
  type: 'UserRegistered',
  topic: 'users',
  version: 2,
  payload: z.object({ email, displayName, currency: currencySchema, timezone: timeZoneSchema }),
  upcasters: {
    1: upcaster(userRegisteredV1, (v1) => ({ ...v1, currency: 'USD', timezone: 'UTC' })),
  },
  aggregateVersion: 1,
  aggregateIsUser: true,
});

export const userProfileUpdated = defineEvent({
  type: 'UserProfileUpdated',
  topic: 'users',
  version: 1,
  payload: z
    .object({
      displayName: displayName.optional(),
      currency: currencySchema.optional(),
      timezone: timeZoneSchema.optional(),
    })
    .refine(
      (changes) =>
        changes.displayName !== undefined ||
        changes.currency !== undefined ||
        changes.timezone !== undefined,
      { message: 'must change at least one of displayName, currency, timezone' },
    ),
  upcasters: {},
  aggregateIsUser: true,
});
