import type { SubgraphContext } from '@cashtrack/platform/graphql';
import type { ChangeLogEntry } from '../subscriptions/changeLog.ts';
import { expenseChangeStream } from '../subscriptions/expenseChangeStream.ts';
import { callerOf, type ExpenseResolverServices } from './resolverServices.ts';

/** `Subscription.expenseChanged(after)`: the caller's own changes only, resumable by cursor. */
export function subscriptionResolvers({ changes }: ExpenseResolverServices) {
  return {
    expenseChanged: {
      subscribe: (_: unknown, args: { after?: string | null }, context: SubgraphContext) =>
        expenseChangeStream(changes.log, changes.hub, callerOf(context).userId, args.after ?? null),
      resolve: (change: ChangeLogEntry) => change,
    },
  };
}
