import { describe, expect, it } from '@jest/globals';
import {
  checkCurrency,
  checkExpensesFilter,
  checkPageSize,
  checkSummaryRange,
} from '../src/domain/expenseQueries.ts';
import { decodeExpenseCursor, encodeExpenseCursor } from '../src/readModels/expenseCursor.ts';
import { escapeRegExp } from '../src/readModels/expensesReadModel.ts';

describe('query argument checks', () => {
  it('normalises a filter and drops an empty search', () => {
    expect(
      checkExpensesFilter({
        from: '2026-01-01',
        to: '2026-01-31',
        category: 'Dining',
        search: ' ',
      }),
    ).toEqual({ from: '2026-01-01', to: '2026-01-31', category: 'dining' });
  });

  it.each([
    [{ from: '2026-02-30' }, 'INVALID_DATE'],
    [{ from: '2026-02-02', to: '2026-02-01' }, 'INVALID_DATE_RANGE'],
    [{ category: 'rockets' }, 'INVALID_CATEGORY'],
    [{ search: 'x'.repeat(101) }, 'SEARCH_TOO_LONG'],
  ])('refuses %j with %s', (filter, code) => {
    expect(() => checkExpensesFilter(filter)).toThrow(expect.objectContaining({ code }));
  });

  it('takes page sizes from 1 to 100, 20 by default', () => {
    expect(checkPageSize(undefined)).toBe(20);
    expect(checkPageSize(100)).toBe(100);
    for (const first of [0, 101, -1]) {
      expect(() => checkPageSize(first)).toThrow(
        expect.objectContaining({ code: 'INVALID_PAGE_SIZE' }),
      );
    }
  });

  it('checks a summary range and a currency', () => {
    expect(checkSummaryRange('2026-01-01', '2026-01-01')).toEqual({
      from: '2026-01-01',
      to: '2026-01-01',
    });
    expect(() => checkSummaryRange('2026-01-02', '2026-01-01')).toThrow(
      expect.objectContaining({ code: 'INVALID_DATE_RANGE' }),
    );
    expect(checkCurrency('eur')).toBe('EUR');
    expect(() => checkCurrency('EURO')).toThrow(
      expect.objectContaining({ code: 'INVALID_CURRENCY' }),
    );
  });
});

describe('expense cursors', () => {
  it('round-trip and refuse what they did not make', () => {
    const cursor = encodeExpenseCursor({ occurredOn: '2026-11-24', id: 'e1' });
    expect(decodeExpenseCursor(cursor)).toEqual({ occurredOn: '2026-11-24', id: 'e1' });
    for (const bad of ['nope', Buffer.from('["x","y"]').toString('base64url'), '']) {
      expect(() => decodeExpenseCursor(bad)).toThrow(
        expect.objectContaining({ code: 'INVALID_CURSOR' }),
      );
    }
  });
});

describe('escapeRegExp', () => {
  it('makes every regular expression character literal', () => {
    const text = 'a.b*c(d)[e]^$|?+{1}\\';
    expect(new RegExp(`^${escapeRegExp(text)}$`).test(text)).toBe(true);
  });
});
