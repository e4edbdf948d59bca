import { requireViewer, type SubgraphContext } from '@cashtrack/platform';
import type { CommandCaller, ExpenseCommands } from '../commands/expenseCommands.ts';
import type { ExpenseReadModels } from '../readModels/readModels.ts';

/** What the resolvers work with: read models for queries, commands for mutations. */
export interface ExpenseResolverServices {
  readonly models: ExpenseReadModels;
  readonly commands: ExpenseCommands;
}

/** The verified caller (or UNAUTHENTICATED) with the request's correlation id. */
export function callerOf(context: SubgraphContext): CommandCaller {
  return { userId: requireViewer(context).userId, correlationId: context.correlationId };
}
