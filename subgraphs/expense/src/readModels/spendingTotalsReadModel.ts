import type { Collection } from 'mongodb';
import type { ReadModelDocument } from '@cashtrack/events';
import type { BucketDelta, Contribution } from '../domain/spendingTotals.ts';
import type { MonthTotals, TotalsCell } from '../domain/spendingSummary.ts';

/**
 * The `spendingTotals` collection holds two kinds of document, so that the totals are one read
 * model that can be rebuilt (and swapped in) on its own:
 * - `contribution` (`_id` = expenseId, versioned like every aggregate document): what the
 *   expense currently adds to the totals, and the bucket changes not yet confirmed as applied;
 * - `month` (`_id` = `month|user|currency|YYYY-MM`): the totals of one user, currency and month,
 *   per category and per day and category, with the ids of the changes applied to it.
 */
export type ContributionRecord = {
  readonly kind: 'contribution';
  readonly userId: string;
  /** null once the expense is deleted. */
  readonly contribution: Contribution | null;
  /** Bucket changes by change id (the eventId), removed once every bucket has them. */
  readonly pendingTotals: Readonly<Record<string, readonly BucketDelta[]>>;
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
  /**
   * Every change applied to this bucket: the guard that makes `$inc` idempotent. Bounded by the
   * number of changes to one user's month in one currency.
   */
  readonly appliedChangeIds: readonly string[];
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
      { projection: { appliedChangeIds: 0 } },
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
