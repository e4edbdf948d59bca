import type { SubgraphContext } from '@cashtrack/platform/graphql';
import type { ExpenseMessageView } from '../readModels/expenseMessagesReadModel.ts';
import { expenseViewOf, findOwnExpensesByIds } from '../readModels/expensesReadModel.ts';
import { callerOf, type ExpenseResolverServices } from './resolverServices.ts';

export function expenseMessageResolvers({ models }: ExpenseResolverServices) {
  return {
    async expenses(message: ExpenseMessageView, _: unknown, context: SubgraphContext) {
      const documents = await findOwnExpensesByIds(
        models.expenses,
        callerOf(context).userId,
        message.expenseIds,
      );
      return documents.map(expenseViewOf);
    },
  };
}
