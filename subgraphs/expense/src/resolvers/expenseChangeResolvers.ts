import type { SubgraphContext } from '@cashtrack/platform/graphql';
import {
  expenseMessageViewOf,
  findOwnExpenseMessage,
} from '../readModels/expenseMessagesReadModel.ts';
import type { ChangeLogEntry } from '../subscriptions/changeLog.ts';
import { callerOf, type ExpenseResolverServices } from './resolverServices.ts';

/** `ExpenseChange`: one entry of the change log, as subscribers and `expenseChange` see it. */
export function expenseChangeResolvers({ models }: ExpenseResolverServices) {
  return {
    cursor: (change: ChangeLogEntry) => change._id,
    async message(change: ChangeLogEntry, _: unknown, context: SubgraphContext) {
      if (change.messageId === null) return null;
      const document = await findOwnExpenseMessage(
        models.expenseMessages,
        callerOf(context).userId,
        change.messageId,
      );
      return document === null ? null : expenseMessageViewOf(document);
    },
  };
}
