import { z } from 'zod';
import { isCategory, type Category } from '../categories.ts';
import { isCurrency, maxAmountMajor, currencyDigits } from '../money.ts';
import { isCalendarDate } from '../calendarDate.ts';
import { isTimeZone } from '../timeZones.ts';
import { isEmailAddress, maxEmailLength } from '../emailAddress.ts';
import { isSafeText, type TextKind } from '../safeText.ts';

/** Field schemas shared by several payloads, so a rule such as "what is a currency" lives once. */

/**
 * A custom rule as a `superRefine` callback. Zod's `.refine` wraps its predicate in closures made
 * on every parse; a plain callback is cheaper and is called directly by the codec's fast path.
 */
export function rule<Value>(
  test: (value: Value) => boolean,
  message: string,
): (value: Value, context: z.RefinementCtx) => void {
  return (value, context) => {
    if (!test(value)) context.addIssue({ code: z.ZodIssueCode.custom, message });
  };
}

export const currencySchema = z
  .string()
  .superRefine(rule(isCurrency, 'must be an ISO-4217 currency code such as USD'));

export const timeZoneSchema = z
  .string()
  .superRefine(rule(isTimeZone, 'must be an IANA time zone such as Europe/Berlin'));

export const categorySchema = z.string().superRefine((value, context): value is Category => {
  if (isCategory(value)) return true;
  context.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a known category' });
  return false;
});

export const calendarDateSchema = z
  .string()
  .superRefine(rule(isCalendarDate, 'must be a calendar date YYYY-MM-DD'));

export const amountMinorSchema = z
  .number()
  .int()
  .positive()
  .superRefine(rule(Number.isSafeInteger, 'must be a safe integer'));

/** Text without control or bidi formatting characters (safeText.ts says which, and why). */
export function safeText(kind: TextKind): (value: string, context: z.RefinementCtx) => void {
  return rule(
    (value: string) => isSafeText(value, kind),
    'must not contain control or bidirectional formatting characters',
  );
}

export const descriptionSchema = z.string().max(200).superRefine(safeText('singleLine'));

/** The same rule auth applies to sign-ups (emailAddress.ts). */
export const emailSchema = z
  .string()
  .max(maxEmailLength)
  .superRefine(rule(isEmailAddress, 'must be an email address'));

/** The extractor that answered for a message (a rejection names it too). */
export const parserSchema = z.enum(['llm', 'rules']);

/**
 * The parser behind one expense: `rules-learned` is the rules parser using the words this user
 * taught it by correcting earlier expenses (ExpenseCategoryCorrected).
 */
export const expenseParserSchema = z.enum(['llm', 'rules', 'rules-learned']);

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
