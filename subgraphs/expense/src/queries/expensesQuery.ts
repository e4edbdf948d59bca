import {
  checkExpensesFilter,
  checkPageSize,
  type ExpensesFilterInput,
} from '../domain/expenseQueries.ts';
import { listOwnExpenses, type ExpenseView } from '../readModels/expensesReadModel.ts';
import type { ExpenseReadModels } from '../readModels/readModels.ts';

export interface ExpensesArguments {
  readonly filter?: ExpensesFilterInput | null;
  readonly first?: number | null;
  readonly after?: string | null;
}

export interface ExpenseConnection {
  readonly edges: readonly { readonly cursor: string; readonly node: ExpenseView }[];
  readonly pageInfo: {
    readonly hasNextPage: boolean;
    readonly hasPreviousPage: boolean;
    readonly startCursor: string | null;
    readonly endCursor: string | null;
  };
}

/** `expenses(filter, first, after)` for `userId`, as a Relay connection. */
export async function queryExpenses(
  models: ExpenseReadModels,
  userId: string,
  args: ExpensesArguments,
): Promise<ExpenseConnection> {
  const filter = checkExpensesFilter(args.filter);
  const first = checkPageSize(args.first);
  const page = await listOwnExpenses(
    models.expenses,
    userId,
    filter,
    first,
    args.after ?? undefined,
  );
  return {
    edges: page.edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: page.edges[0]?.cursor ?? null,
      endCursor: page.edges.at(-1)?.cursor ?? null,
    },
  };
}
