import {
  categories,
  isCalendarDate,
  isCategory,
  isCurrency,
  type Category,
} from '@cashtrack/events';
import { CodedError } from '@cashtrack/platform';

/** Checks of query arguments, so every read refuses bad input with a code naming the field. */

export interface ExpensesFilterInput {
  readonly from?: string | null;
  readonly to?: string | null;
  readonly category?: string | null;
  readonly search?: string | null;
}

export interface ExpensesFilter {
  readonly from?: string;
  readonly to?: string;
  readonly category?: Category;
  /** Trimmed, never empty. */
  readonly search?: string;
}

export const defaultPageSize = 20;
export const maxPageSize = 100;
export const maxSearchLength = 100;

/** INVALID_DATE, INVALID_DATE_RANGE, INVALID_CATEGORY or SEARCH_TOO_LONG. */
export function checkExpensesFilter(input: ExpensesFilterInput | null | undefined): ExpensesFilter {
  const from = optionalDate(input?.from, 'filter.from');
  const to = optionalDate(input?.to, 'filter.to');
  if (from !== undefined && to !== undefined) checkRange(from, to);
  let category: Category | undefined;
  if (input?.category !== undefined && input.category !== null) {
    const value = input.category.trim().toLowerCase();
    if (!isCategory(value)) {
      throw new CodedError(
        'INVALID_CATEGORY',
        `"${input.category}" is not a category; use one of ${categories.join(', ')}`,
        { field: 'filter.category' },
      );
    }
    category = value;
  }
  const search = input?.search?.trim();
  if (search !== undefined && search.length > maxSearchLength) {
    throw new CodedError('SEARCH_TOO_LONG', `Search at most ${maxSearchLength} characters`, {
      field: 'filter.search',
    });
  }
  return {
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(category === undefined ? {} : { category }),
    ...(search === undefined || search === '' ? {} : { search }),
  };
}

/** INVALID_PAGE_SIZE unless 1 <= first <= 100; default 20. */
export function checkPageSize(first: number | null | undefined): number {
  if (first === undefined || first === null) return defaultPageSize;
  if (!Number.isInteger(first) || first < 1 || first > maxPageSize) {
    throw new CodedError('INVALID_PAGE_SIZE', `first must be between 1 and ${maxPageSize}`, {
      field: 'first',
    });
  }
  return first;
}

/** Both dates valid and in order: INVALID_DATE or INVALID_DATE_RANGE. */
export function checkSummaryRange(from: string, to: string): { from: string; to: string } {
  const checkedFrom = optionalDate(from, 'from') ?? from;
  const checkedTo = optionalDate(to, 'to') ?? to;
  checkRange(checkedFrom, checkedTo);
  return { from: checkedFrom, to: checkedTo };
}

/** INVALID_CURRENCY unless an ISO-4217 code; upper-cased. */
export function checkCurrency(currency: string, field = 'currency'): string {
  const code = currency.trim().toUpperCase();
  if (!isCurrency(code)) {
    throw new CodedError('INVALID_CURRENCY', `"${currency}" is not an ISO-4217 currency code`, {
      field,
    });
  }
  return code;
}

function optionalDate(value: string | null | undefined, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isCalendarDate(value)) {
    throw new CodedError('INVALID_DATE', `"${value}" is not a calendar date (YYYY-MM-DD)`, {
      field,
    });
  }
  return value;
}

function checkRange(from: string, to: string): void {
  if (from > to) {
    throw new CodedError('INVALID_DATE_RANGE', `from (${from}) is after to (${to})`, {
      field: 'from',
    });
  }
}
