/**
 * Summaries are computed from the monthly buckets of spendingTotals.ts alone. A month wholly
 * inside the range is read from its per-category totals; a month the range cuts is read from its
 * per-day cells, so the answer is exact for any `from`..`to` while reading at most one small
 * document per month.
 */

export type SpendingGroupBy = 'CATEGORY' | 'DAY' | 'MONTH';

export interface TotalsCell {
  readonly amountMinor: number;
  readonly count: number;
}

/** A month's totals as the read model holds them. */
export interface MonthTotals {
  readonly currency: string;
  /** `YYYY-MM`. */
  readonly month: string;
  readonly byCategory: Readonly<Partial<Record<string, TotalsCell>>>;
  /** Keyed by `DD`, then category. */
  readonly byDay: Readonly<Partial<Record<string, Readonly<Partial<Record<string, TotalsCell>>>>>>;
}

export interface SpendingGroup {
  /** The category, the day `YYYY-MM-DD` or the month `YYYY-MM`. */
  readonly key: string;
  readonly amountMinor: number;
  readonly count: number;
}

export interface SpendingSummaryResult {
  readonly currency: string;
  readonly amountMinor: number;
  readonly count: number;
  readonly groups: readonly SpendingGroup[];
  /** Currencies with spending in the range that the summary leaves out, sorted. */
  readonly otherCurrencies: readonly string[];
}

interface Cell extends TotalsCell {
  readonly category: string;
  /** `YYYY-MM-DD`, or undefined when the cell covers a whole month. */
  readonly date: string | undefined;
  readonly month: string;
}

/** Sums the buckets of `currency` between `from` and `to` (inclusive dates), grouped. */
export function summarizeSpending(
  months: readonly MonthTotals[],
  range: { readonly from: string; readonly to: string },
  groupBy: SpendingGroupBy,
  currency: string,
): SpendingSummaryResult {
  const groups = new Map<string, { amountMinor: number; count: number }>();
  const others = new Set<string>();
  let amountMinor = 0;
  let count = 0;
  for (const month of months) {
    for (const cell of cellsInRange(month, range, groupBy === 'DAY')) {
      if (cell.count === 0 && cell.amountMinor === 0) continue;
      if (month.currency !== currency) {
        if (cell.count > 0) others.add(month.currency);
        continue;
      }
      const key = groupKey(cell, groupBy);
      const group = groups.get(key) ?? { amountMinor: 0, count: 0 };
      group.amountMinor += cell.amountMinor;
      group.count += cell.count;
      groups.set(key, group);
      amountMinor += cell.amountMinor;
      count += cell.count;
    }
  }
  const list = [...groups]
    .filter(([, group]) => group.count > 0)
    .map(([key, group]) => ({ key, ...group }));
  list.sort(
    groupBy === 'CATEGORY'
      ? (a, b) => b.amountMinor - a.amountMinor || a.key.localeCompare(b.key)
      : (a, b) => a.key.localeCompare(b.key),
  );
  return { currency, amountMinor, count, groups: list, otherCurrencies: [...others].sort() };
}

/** The `YYYY-MM` months a range touches, first to last. */
export function monthsOfRange(from: string, to: string): string[] {
  const months: string[] = [];
  let year = Number(from.slice(0, 4));
  let month = Number(from.slice(5, 7));
  const last = to.slice(0, 7);
  for (;;) {
    const key = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
    if (key > last) return months;
    months.push(key);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
}

function cellsInRange(
  month: MonthTotals,
  range: { readonly from: string; readonly to: string },
  needDays: boolean,
): Cell[] {
  const first = `${month.month}-01`;
  const last = `${month.month}-${String(daysInMonth(month.month)).padStart(2, '0')}`;
  if (last < range.from || first > range.to) return [];
  const whole = range.from <= first && range.to >= last;
  if (whole && !needDays) {
    return Object.entries(month.byCategory).flatMap(([category, cell]) =>
      cell === undefined ? [] : [{ ...cell, category, date: undefined, month: month.month }],
    );
  }
  const cells: Cell[] = [];
  for (const [day, categories] of Object.entries(month.byDay)) {
    const date = `${month.month}-${day}`;
    if (categories === undefined || date < range.from || date > range.to) continue;
    for (const [category, cell] of Object.entries(categories)) {
      if (cell !== undefined) cells.push({ ...cell, category, date, month: month.month });
    }
  }
  return cells;
}

function groupKey(cell: Cell, groupBy: SpendingGroupBy): string {
  switch (groupBy) {
    case 'CATEGORY':
      return cell.category;
    case 'MONTH':
      return cell.month;
    case 'DAY':
      // Day grouping always reads per-day cells, so the date is there.
      return cell.date ?? cell.month;
  }
}

function daysInMonth(month: string): number {
  return new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();
}
