import { z } from 'zod';
import { isCategory, type Category } from '../categories.ts';
import { isCurrency, maxAmountMajor, currencyDigits } from '../money.ts';
import { isCalendarDate } from '../calendarDate.ts';
import { isTimeZone } from '../timeZones.ts';

/** Field schemas shared by several payloads, so a rule such as "what is a currency" lives once. */

export const currencySchema = z
  .string()
  .refine(isCurrency, { message: 'must be an ISO-4217 currency code such as USD' });

export const timeZoneSchema = z
  .string()
  .refine(isTimeZone, { message: 'must be an IANA time zone such as Europe/Berlin' });

export const categorySchema = z
  .string()
  .refine((value): value is Category => isCategory(value), { message: 'must be a known category' });

export const calendarDateSchema = z
  .string()
  .refine(isCalendarDate, { message: 'must be a calendar date YYYY-MM-DD' });

export const amountMinorSchema = z
  .number()
  .int()
  .positive()
  .refine(Number.isSafeInteger, { message: 'must be a safe integer' });

export const descriptionSchema = z.string().max(200);

export const parserSchema = z.enum(['llm', 'rules']);

export const tokensUsedSchema = z.number().int().nonnegative();

/**
 * Adds the upper bound of money.ts (1e9 major units) to an object holding `amountMinor` and
 * `currency`; it depends on the currency's decimals, so it is checked on the object, reported
 * on `amountMinor`.
 */
export function checkAmountInRange(
  value: { readonly amountMinor: number; readonly currency: string },
  context: z.RefinementCtx,
): void {
  if (!isCurrency(value.currency)) return;
  const limit = maxAmountMajor * 10 ** currencyDigits(value.currency);
  if (value.amountMinor > limit) {
    context.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['amountMinor'],
      message: `must be at most ${maxAmountMajor} ${value.currency}`,
    });
  }
}
