import { describe, expect, it } from '@jest/globals';
import {
  monthsOfRange,
  summarizeSpending,
  type MonthTotals,
} from '../src/domain/spendingSummary.ts';

const october: MonthTotals = {
  currency: 'USD',
  month: '2026-10',
  byCategory: {
    dining: { amountMinor: 1000, count: 2 },
    groceries: { amountMinor: 5000, count: 1 },
  },
  byDay: {
    '01': { dining: { amountMinor: 400, count: 1 } },
    '31': { dining: { amountMinor: 600, count: 1 }, groceries: { amountMinor: 5000, count: 1 } },
  },
};
const november: MonthTotals = {
  currency: 'USD',
  month: '2026-11',
  byCategory: { dining: { amountMinor: 300, count: 1 }, travel: { amountMinor: 0, count: 0 } },
  byDay: { '02': { dining: { amountMinor: 300, count: 1 }, travel: { amountMinor: 0, count: 0 } } },
};
const novemberInEuros: MonthTotals = {
  currency: 'EUR',
  month: '2026-11',
  byCategory: { travel: { amountMinor: 9900, count: 1 } },
  byDay: { '03': { travel: { amountMinor: 9900, count: 1 } } },
};
const all = [october, november, novemberInEuros];

describe('summarizeSpending', () => {
  it('groups by category over whole months, largest first, leaving out emptied cells', () => {
    expect(
      summarizeSpending(all, { from: '2026-10-01', to: '2026-11-30' }, 'CATEGORY', 'USD'),
    ).toEqual({
      currency: 'USD',
      amountMinor: 6300,
      count: 4,
      groups: [
        { key: 'groceries', amountMinor: 5000, count: 1 },
        { key: 'dining', amountMinor: 1300, count: 3 },
      ],
      otherCurrencies: ['EUR'],
    });
  });

  it('reads the days of a month the range cuts', () => {
    const summary = summarizeSpending(
      all,
      { from: '2026-10-15', to: '2026-11-02' },
      'CATEGORY',
      'USD',
    );
    expect(summary.groups).toEqual([
      { key: 'groceries', amountMinor: 5000, count: 1 },
      { key: 'dining', amountMinor: 900, count: 2 },
    ]);
    expect(summary.otherCurrencies).toEqual([]);
  });

  it('groups by day and by month in date order', () => {
    const range = { from: '2026-10-01', to: '2026-11-30' };
    expect(summarizeSpending(all, range, 'DAY', 'USD').groups.map((group) => group.key)).toEqual([
      '2026-10-01',
      '2026-10-31',
      '2026-11-02',
    ]);
    expect(summarizeSpending(all, range, 'MONTH', 'USD').groups).toEqual([
      { key: '2026-10', amountMinor: 6000, count: 3 },
      { key: '2026-11', amountMinor: 300, count: 1 },
    ]);
  });

  it('sums one currency only', () => {
    const summary = summarizeSpending(
      all,
      { from: '2026-11-01', to: '2026-11-30' },
      'MONTH',
      'EUR',
    );
    expect(summary).toMatchObject({ amountMinor: 9900, count: 1, otherCurrencies: ['USD'] });
  });

  it('lists the months of a range across a year end', () => {
    expect(monthsOfRange('2025-11-20', '2026-02-01')).toEqual([
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
    ]);
  });
});
