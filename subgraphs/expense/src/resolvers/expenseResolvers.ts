import type { SubgraphContext } from '@cashtrack/platform/graphql';
import {
  expenseViewOf,
  findOwnExpense,
  type ExpenseView,
} from '../readModels/expensesReadModel.ts';
import { moneyOf } from './money.ts';
import { callerOf, type ExpenseResolverServices } from './resolverServices.ts';

/** `Expense`: an entity other subgraphs may reference by id (resolved for its owner only). */
export function expenseResolvers({ models }: ExpenseResolverServices) {
  return {
    async __resolveReference(reference: { id: string }, context: SubgraphContext) {
      const document = await findOwnExpense(
        models.expenses,
        callerOf(context).userId,
        reference.id,
      );
      return document === null ? null : expenseViewOf(document);
    },
    amount: (expense: ExpenseView) => moneyOf(expense.amountMinor, expense.currency),
    user: (expense: ExpenseView) => ({ __typename: 'User', id: expense.userId }),
  };
}
