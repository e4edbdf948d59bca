import type { SpendingSummary } from '../queries/spendingSummaryQuery.ts';
import { moneyOf, type Money } from './money.ts';

export interface SpendingSummaryShape {
  readonly from: string;
  readonly to: string;
  readonly groupBy: string;
  readonly currency: string;
  readonly total: Money;
  readonly count: number;
  readonly groups: readonly { key: string; total: Money; count: number }[];
  readonly otherCurrencies: readonly string[];
}

/** The GraphQL `SpendingSummary`: every amount as `Money` in the summary's one currency. */
export function spendingSummaryShape(summary: SpendingSummary): SpendingSummaryShape {
  return {
    from: summary.from,
    to: summary.to,
    groupBy: summary.groupBy,
    currency: summary.currency,
    total: moneyOf(summary.amountMinor, summary.currency),
    count: summary.count,
    groups: summary.groups.map((group) => ({
      key: group.key,
      total: moneyOf(group.amountMinor, summary.currency),
      count: group.count,
    })),
    otherCurrencies: summary.otherCurrencies,
  };
}
