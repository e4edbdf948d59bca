import { checkCurrency, checkSummaryRange } from '../domain/expenseQueries.ts';
import {
  monthsOfRange,
  summarizeSpending,
  type SpendingGroupBy,
  type SpendingSummaryResult,
} from '../domain/spendingSummary.ts';
import type { ExpenseReadModels } from '../readModels/readModels.ts';
import { loadMonthTotals } from '../readModels/spendingTotalsReadModel.ts';
import { userSettingsOf } from '../readModels/userSettingsReadModel.ts';

export interface SpendingSummaryArguments {
  readonly from: string;
  readonly to: string;
  readonly groupBy: SpendingGroupBy;
  readonly currency?: string | null;
}

export interface SpendingSummary extends SpendingSummaryResult {
  readonly from: string;
  readonly to: string;
  readonly groupBy: SpendingGroupBy;
}

/**
 * `spendingSummary(from, to, groupBy, currency)` for `userId`: reads the monthly totals of the
 * months in the range (one document per month and currency), never the expenses.
 */
export async function querySpendingSummary(
  models: ExpenseReadModels,
  userId: string,
  args: SpendingSummaryArguments,
): Promise<SpendingSummary> {
  const range = checkSummaryRange(args.from, args.to);
  const currency =
    args.currency === undefined || args.currency === null
      ? (await userSettingsOf(models.userSettings, userId)).currency
      : checkCurrency(args.currency);
  const months = monthsOfRange(range.from, range.to);
  const totals = await loadMonthTotals(
    models.spendingTotals,
    userId,
    months[0] ?? range.from.slice(0, 7),
    months.at(-1) ?? range.to.slice(0, 7),
  );
  return {
    ...range,
    groupBy: args.groupBy,
    ...summarizeSpending(totals, range, args.groupBy, currency),
  };
}
