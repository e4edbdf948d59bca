import type { SubgraphResolvers } from '@cashtrack/platform/graphql';
import { expenseChangeResolvers } from './expenseChangeResolvers.ts';
import { expenseMessageResolvers } from './expenseMessageResolvers.ts';
import { expenseResolvers } from './expenseResolvers.ts';
import { mutationResolvers } from './mutationResolvers.ts';
import { queryResolvers } from './queryResolvers.ts';
import type { ExpenseResolverServices } from './resolverServices.ts';
import { safeIntScalar } from './safeIntScalar.ts';
import { subscriptionResolvers } from './subscriptionResolvers.ts';
import { userResolvers } from './userResolvers.ts';

export type { ExpenseResolverServices } from './resolverServices.ts';

/** Every resolver of the expense subgraph, one file per type. */
export function expenseSubgraphResolvers(services: ExpenseResolverServices): SubgraphResolvers {
  return {
    SafeInt: safeIntScalar,
    Query: queryResolvers(services),
    Mutation: mutationResolvers(services),
    Expense: expenseResolvers(services),
    ExpenseMessage: expenseMessageResolvers(services),
    ExpenseChange: expenseChangeResolvers(services),
    Subscription: subscriptionResolvers(services),
    User: userResolvers(services),
  };
}
