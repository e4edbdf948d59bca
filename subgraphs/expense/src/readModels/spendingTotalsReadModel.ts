import type { Collection } from 'mongodb';
import type { ReadModelDocument } from '@cashtrack/events';
import type { BucketLedger, Contribution } from '../domain/spendingTotals.ts';
import type { MonthTotals, TotalsCell } from '../domain/spendingSummary.ts';

/**
 * The `spendingTotals` collection holds two kinds of document, so that the totals are one read
 * model that can be rebuilt (and swapped in) on its own:
 * - `contribution` (`_id` = expenseId, versioned like every aggregate document): what the
 *   expense currently adds to the totals;
 * - `month` (`_id` = `month|user|currency|YYYY-MM`): the totals of one user, currency and month,
 *   per category and per day and category, with the ledger of the changes applied to it.
 */
export type ContributionRecord = {
  readonly kind: 'contribution';
  readonly userId: string;
  /** null once the expense is deleted. */
  readonly contribution: Contribution | null;
};

export type ContributionDocument = ReadModelDocument<ContributionRecord>;

export type MonthTotalsDocument = {
  readonly _id: string;
  readonly kind: 'month';
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

export type SpendingTotalsDocument = ContributionDocument | MonthTotalsDocument;
export type SpendingTotalsCollection = Collection<SpendingTotalsDocument>;

/** The user's monthly buckets of every currency for the months `from`..`to` (`YYYY-MM`). */
export async function loadMonthTotals(
  totals: SpendingTotalsCollection,
  userId: string,
  fromMonth: string,
  toMonth: string,
): Promise<MonthTotals[]> {
  const months = await (totals as unknown as Collection<MonthTotalsDocument>)
    .find(
      { kind: 'month', userId, month: { $gte: fromMonth, $lte: toMonth } },
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

export async function prepareSpendingTotals(totals: SpendingTotalsCollection): Promise<void> {
  await totals.createIndexes([{ key: { kind: 1, userId: 1, month: 1 }, name: 'byUserMonth' }]);
}
