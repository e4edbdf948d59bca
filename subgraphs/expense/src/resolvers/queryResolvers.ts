import { CodedError } from '@cashtrack/platform';
import { type SubgraphContext } from '@cashtrack/platform/graphql';
import { queryExpenses, type ExpensesArguments } from '../queries/expensesQuery.ts';
import {
  querySpendingSummary,
  type SpendingSummaryArguments,
} from '../queries/spendingSummaryQuery.ts';
import {
  expenseMessageViewOf,
  findOwnExpenseMessage,
} from '../readModels/expenseMessagesReadModel.ts';
import { expenseViewOf, findOwnExpense } from '../readModels/expensesReadModel.ts';
import { callerOf, type ExpenseResolverServices } from './resolverServices.ts';
import { spendingSummaryShape } from './spendingSummaryShape.ts';

/** Every query reads the caller's own data only; another user's id is NOT_FOUND, like none. */
export function queryResolvers({ models, changes }: ExpenseResolverServices) {
  return {
    async expense(_: unknown, args: { id: string }, context: SubgraphContext) {
      const document = await findOwnExpense(models.expenses, callerOf(context).userId, args.id);
      if (document === null) throw new CodedError('NOT_FOUND', 'No such expense');
      return expenseViewOf(document);
    },
    expenses(_: unknown, args: ExpensesArguments, context: SubgraphContext) {
      return queryExpenses(models, callerOf(context).userId, args);
    },
    async spendingSummary(_: unknown, args: SpendingSummaryArguments, context: SubgraphContext) {
      return spendingSummaryShape(
        await querySpendingSummary(models, callerOf(context).userId, args),
      );
    },
    async expenseChange(_: unknown, args: { cursor: string }, context: SubgraphContext) {
      const change = await changes.log.findOne({
        _id: args.cursor,
        userId: callerOf(context).userId,
      });
      if (change === null) throw new CodedError('NOT_FOUND', 'No such change');
      return change;
    },
    async expenseMessage(_: unknown, args: { id: string }, context: SubgraphContext) {
      const document = await findOwnExpenseMessage(
        models.expenseMessages,
        callerOf(context).userId,
        args.id,
      );
      if (document === null) throw new CodedError('NOT_FOUND', 'No such message');
      return expenseMessageViewOf(document);
    },
  };
}
