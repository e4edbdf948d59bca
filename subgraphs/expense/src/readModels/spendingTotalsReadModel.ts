import type { Collection } from 'mongodb';
import type { BucketLedger } from '../domain/spendingTotals.ts';
import type { MonthTotals, TotalsCell } from '../domain/spendingSummary.ts';

/**
 * The `spendingTotals` collection: one bucket per user, currency and month (`_id` =
 * `month|user|currency|YYYY-MM`), with its totals per category and per day and category, and
 * the ledger of the changes applied to it. Kept beside `expenses`, whose documents say what
 * each expense adds (see projections/spendingTotalsProjection.ts).
 */
export type MonthTotalsDocument = {
  readonly _id: string;
  readonly userId: string;
  readonly currency: string;
  readonly month: string;
  readonly byCategory: Readonly<Partial<Record<string, TotalsCell>>>;
  readonly byDay: Readonly<Partial<Record<string, Readonly<Partial<Record<string, TotalsCell>>>>>>;
  /** The latest changes applied: the guard that makes its `$inc` idempotent. */
  readonly appliedChanges: BucketLedger['appliedChanges'];
  readonly settledThrough: BucketLedger['settledThrough'];
  /** A fresh random id per write, for compare-and-set: written only if unchanged since read. */
  readonly revision: string;
};

export type SpendingTotalsCollection = Collection<MonthTotalsDocument>;

/** The user's monthly buckets of every currency for the months `from`..`to` (`YYYY-MM`). */
export async function loadMonthTotals(
  totals: SpendingTotalsCollection,
  userId: string,
  fromMonth: string,
  toMonth: string,
): Promise<MonthTotals[]> {
  const months = await totals
    .find(
      { userId, month: { $gte: fromMonth, $lte: toMonth } },
      { projection: { appliedChanges: 0, settledThrough: 0, revision: 0 } },
    )
    .toArray();
  return months.map((month) => ({
    currency: month.currency,
    month: month.month,
    byCategory: month.byCategory,
    byDay: month.byDay,
  }));
}

/**
 * Named apart from the index of the layout before version 2 (`byUserMonth`, led by a `kind`
 * field), so that starting on such a collection, before its rebuild, creates no conflict.
 */
export async function prepareSpendingTotals(totals: SpendingTotalsCollection): Promise<void> {
  await totals.createIndexes([{ key: { userId: 1, month: 1 }, name: 'byUserAndMonth' }]);
}
