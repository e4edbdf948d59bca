import { CodedError } from '@cashtrack/platform';
import { type SubgraphContext } from '@cashtrack/platform/graphql';
import { queryExpenses, type ExpensesArguments } from '../queries/expensesQuery.ts';
import {
  querySpendingSummary,
  type SpendingSummaryArguments,
} from '../queries/spendingSummaryQuery.ts';
import { callerOf, type ExpenseResolverServices } from './resolverServices.ts';
import { spendingSummaryShape } from './spendingSummaryShape.ts';

interface UserReference {
  readonly id: string;
}

/**
 * The fields this subgraph adds to the user entity. They exist for the caller's own account
 * only; asked about another user they answer NOT_FOUND, like every other read here.
 */
export function userResolvers({ models }: ExpenseResolverServices) {
  const ownUserId = (user: UserReference, context: SubgraphContext): string => {
    const { userId } = callerOf(context);
    if (user.id !== userId) throw new CodedError('NOT_FOUND', 'No such user');
    return userId;
  };
  return {
    __resolveReference: (reference: UserReference) => ({ id: reference.id }),
    expenses(user: UserReference, args: ExpensesArguments, context: SubgraphContext) {
      return queryExpenses(models, ownUserId(user, context), args);
    },
    async spending(user: UserReference, args: SpendingSummaryArguments, context: SubgraphContext) {
      return spendingSummaryShape(
        await querySpendingSummary(models, ownUserId(user, context), args),
      );
    },
  };
}
