import type { Collection } from 'mongodb';
import type { BucketLedger } from '../domain/spendingTotals.ts';
import type { MonthTotals } from '../domain/spendingSummary.ts';
import { totalsOfCells, type PackedCells } from './bucketCells.ts';

/**
 * The `spendingTotals` collection: one bucket per user, currency and month (`_id` =
 * `month|user|currency|YYYY-MM`), with its totals per day and category (one packed text, see
 * bucketCells.ts) and the ledger of the changes applied to it. Kept beside `expenses`, whose
 * documents say what each expense adds (see projections/spendingTotalsProjection.ts).
 */
export type MonthTotalsDocument = {
  readonly _id: string;
  readonly userId: string;
  readonly currency: string;
  readonly month: string;
  readonly cells: PackedCells;
  /**
   * The cursors of the latest changes applied, joined by spaces: the guard that counts each change
   * once however often it comes. One text, not an array of up to 100, for FerretDB's cost per
   * value (see bucketCells.ts): as an array, 100 cursors added 1.7 ms of its CPU to each update
   * of the bucket; as one text, 0.2 ms.
   */
  readonly appliedChanges: string;
  readonly settledThrough: BucketLedger['settledThrough'];
  /** A fresh random id per write, for compare-and-set: written only if unchanged since read. */
  readonly revision: string;
};

export type SpendingTotalsCollection = Collection<MonthTotalsDocument>;

/**
 * The index `loadMonthTotals` names in its hint. Named apart from the index of the layout before
 * version 2 (`byUserMonth`, led by a `kind` field), so that starting on such a collection, before
 * its rebuild, creates no conflict.
 */
const byUserAndMonth = 'byUserAndMonth';

/**
 * The user's monthly buckets of every currency for the months `from`..`to` (`YYYY-MM`), through
 * the `byUserAndMonth` index named in a hint. On MongoDB that is the plan it picks anyway; on our
 * FerretDB build the hint is what sends the user and month conditions to SQLite (both fields hold
 * one plain string in every bucket, the promise infra/ferretdb/patches/README.md asks of a hint).
 * Without it every read decoded the whole collection in Go: about 2 s per summary with 200
 * people's buckets, against 15 ms with it, which capped the app's Spending screen at a few a second.
 */
export async function loadMonthTotals(
  totals: SpendingTotalsCollection,
  userId: string,
  fromMonth: string,
  toMonth: string,
): Promise<MonthTotals[]> {
  const months = await totals
    .find(
      { userId, month: { $gte: fromMonth, $lte: toMonth } },
      {
        projection: { appliedChanges: 0, settledThrough: 0, revision: 0 },
        hint: byUserAndMonth,
      },
    )
    .toArray();
  return months.map((month) => ({
    currency: month.currency,
    month: month.month,
    ...totalsOfCells(month.cells),
  }));
}

export async function prepareSpendingTotals(totals: SpendingTotalsCollection): Promise<void> {
  await totals.createIndexes([{ key: { userId: 1, month: 1 }, name: byUserAndMonth }]);
}
