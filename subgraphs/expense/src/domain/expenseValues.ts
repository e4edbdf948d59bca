import { DateTime } from 'luxon';
import {
  categories,
  isCalendarDate,
  isCategory,
  isCurrency,
  parseAmountToMinor,
  refuseUnsafeText,
  type Category,
} from '@cashtrack/events';
import { CodedError } from '@cashtrack/platform';

/** What an expense is, once its input has been checked: the values its events carry. */
export interface ExpenseValues {
  readonly amountMinor: number;
  readonly currency: string;
  readonly category: Category;
  readonly description: string;
  readonly occurredOn: string;
}

/** The GraphQL input as the app sends it: amounts are decimal strings, never floats. */
export interface ExpenseInput {
  readonly amount: string;
  readonly currency: string;
  readonly category: string;
  readonly description?: string | null;
  readonly occurredOn: string;
}

export const maxDescriptionLength = 200;
export const maxYearsFromToday = 10;

/**
 * Checks an input against the money, category and date rules and returns its values, or throws
 * a CodedError naming the field: INVALID_AMOUNT, TOO_MANY_DECIMALS, AMOUNT_OUT_OF_RANGE,
 * INVALID_CURRENCY, INVALID_CATEGORY, INVALID_DATE, DATE_OUT_OF_RANGE, DESCRIPTION_TOO_LONG,
 * INVALID_CHARACTERS (a control or bidi formatting character in the description).
 * `today` is the user's calendar date in their own time zone.
 */
export function checkExpenseInput(input: ExpenseInput, today: string): ExpenseValues {
  const currency = input.currency.trim().toUpperCase();
  if (!isCurrency(currency)) {
    throw new CodedError(
      'INVALID_CURRENCY',
      `"${input.currency}" is not an ISO-4217 currency code`,
      {
        field: 'currency',
      },
    );
  }
  const amountMinor = withField('amount', () => parseAmountToMinor(input.amount, currency));
  const category = input.category.trim().toLowerCase();
  if (!isCategory(category)) {
    throw new CodedError(
      'INVALID_CATEGORY',
      `"${input.category}" is not a category; use one of ${categories.join(', ')}`,
      { field: 'category' },
    );
  }
  const description = (input.description ?? '').trim();
  if (description.length > maxDescriptionLength) {
    throw new CodedError(
      'DESCRIPTION_TOO_LONG',
      `Description has ${description.length} characters; at most ${maxDescriptionLength} are allowed`,
      { field: 'description' },
    );
  }
  refuseUnsafeText(description, 'singleLine', 'description', 'Description');
  return {
    amountMinor,
    currency,
    category,
    description,
    occurredOn: checkOccurredOn(input.occurredOn, today),
  };
}

/** A real `YYYY-MM-DD` date no more than ten years before or after the user's today. */
export function checkOccurredOn(occurredOn: string, today: string): string {
  if (!isCalendarDate(occurredOn)) {
    throw new CodedError('INVALID_DATE', `"${occurredOn}" is not a calendar date (YYYY-MM-DD)`, {
      field: 'occurredOn',
    });
  }
  const date = DateTime.fromISO(occurredOn, { zone: 'utc' });
  const center = DateTime.fromISO(today, { zone: 'utc' });
  const earliest = center.minus({ years: maxYearsFromToday });
  const latest = center.plus({ years: maxYearsFromToday });
  if (date < earliest || date > latest) {
    throw new CodedError(
      'DATE_OUT_OF_RANGE',
      `occurredOn must be between ${earliest.toISODate() ?? ''} and ${latest.toISODate() ?? ''}`,
      { field: 'occurredOn' },
    );
  }
  return occurredOn;
}

/** The calendar date of `now` in `timezone`, the user's "today". */
export function calendarDateIn(now: Date, timezone: string): string {
  const date = DateTime.fromJSDate(now, { zone: timezone }).toISODate();
  if (date === null) {
    throw new CodedError('INVALID_TIMEZONE', `"${timezone}" is not an IANA time zone`, {
      field: 'timezone',
    });
  }
  return date;
}

function withField<T>(field: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof CodedError) {
      throw new CodedError(
        error.code,
        error.message,
        { ...error.details, field },
        { cause: error },
      );
    }
    throw error;
  }
}
