import type { SubgraphContext } from '@cashtrack/platform/graphql';
import {
  expenseViewOf,
  findOwnExpense,
  type ExpenseView,
} from '../readModels/expensesReadModel.ts';
import type { ExpenseParser } from '../domain/expense.ts';
import { moneyOf } from './money.ts';
import { callerOf, type ExpenseResolverServices } from './resolverServices.ts';

/** `ExpenseParser` values by the parser names the events carry. */
const expenseParserValues = {
  llm: 'LLM',
  rules: 'RULES',
  'rules-learned': 'RULES_LEARNED',
} as const satisfies Record<ExpenseParser, string>;

/**
 * An expense as a resolver gets it: a view, or one the change log stored before views held
 * `parsedBy` and `guessed` (the log is kept, not rebuilt), which reads as unknown and not guessed.
 */
type ExpenseShown = Omit<ExpenseView, 'parsedBy' | 'guessed'> &
  Partial<Pick<ExpenseView, 'parsedBy' | 'guessed'>>;

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
    amount: (expense: ExpenseShown) => moneyOf(expense.amountMinor, expense.currency),
    parsedBy: ({ parsedBy = null }: ExpenseShown) =>
      parsedBy === null ? null : expenseParserValues[parsedBy],
    guessed: (expense: ExpenseShown) => expense.guessed === true,
    user: (expense: ExpenseShown) => ({ __typename: 'User', id: expense.userId }),
  };
}
