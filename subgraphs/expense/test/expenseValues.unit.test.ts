import { describe, expect, it } from '@jest/globals';
import {
  calendarDateIn,
  checkExpenseInput,
  type ExpenseInput,
} from '../src/domain/expenseValues.ts';

const today = '2026-11-24';
const valid: ExpenseInput = {
  amount: '50.00',
  currency: 'usd',
  category: 'Groceries',
  description: '  weekly shop ',
  occurredOn: '2026-11-24',
};

describe('checking expense input', () => {
  it('normalises a valid input into values', () => {
    expect(checkExpenseInput(valid, today)).toEqual({
      amountMinor: 5000,
      currency: 'USD',
      category: 'groceries',
      description: 'weekly shop',
      occurredOn: '2026-11-24',
    });
  });

  it.each<[string, Partial<ExpenseInput>, string]>([
    ['a negative amount', { amount: '-1' }, 'INVALID_AMOUNT'],
    ['a float-looking exponent', { amount: '1e2' }, 'INVALID_AMOUNT'],
    ['zero', { amount: '0' }, 'AMOUNT_OUT_OF_RANGE'],
    ['more than a billion', { amount: '1000000000.01' }, 'AMOUNT_OUT_OF_RANGE'],
    ['cents on yen', { amount: '100.5', currency: 'JPY' }, 'TOO_MANY_DECIMALS'],
    ['three decimals on dollars', { amount: '1.005' }, 'TOO_MANY_DECIMALS'],
    ['an unknown currency', { currency: 'DOGE' }, 'INVALID_CURRENCY'],
    ['an unknown category', { category: 'yachts' }, 'INVALID_CATEGORY'],
    ['a description of 201 characters', { description: 'x'.repeat(201) }, 'DESCRIPTION_TOO_LONG'],
    ['a NUL in the description', { description: 'tea\u0000' }, 'INVALID_CHARACTERS'],
    ['a bidi override in the description', { description: 'tea \u202e' }, 'INVALID_CHARACTERS'],
    ['a line break in the description', { description: 'tea\ncake' }, 'INVALID_CHARACTERS'],
    ['an impossible date', { occurredOn: '2026-02-30' }, 'INVALID_DATE'],
    ['a date eleven years ago', { occurredOn: '2015-11-23' }, 'DATE_OUT_OF_RANGE'],
    ['a date eleven years ahead', { occurredOn: '2037-01-01' }, 'DATE_OUT_OF_RANGE'],
  ])('refuses %s', (_label, change, code) => {
    expect(() => checkExpenseInput({ ...valid, ...change }, today)).toThrow(
      expect.objectContaining({ code }),
    );
  });

  it('names the offending field', () => {
    expect(() => checkExpenseInput({ ...valid, amount: 'ten' }, today)).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ field: 'amount' }) }),
    );
  });

  it("takes today in the user's time zone", () => {
    const now = new Date('2026-11-24T02:00:00Z');
    expect(calendarDateIn(now, 'America/Los_Angeles')).toBe('2026-11-23');
    expect(calendarDateIn(now, 'Asia/Tokyo')).toBe('2026-11-24');
  });
});
