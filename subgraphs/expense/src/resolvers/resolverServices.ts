import { requireViewer, type SubgraphContext } from '@cashtrack/platform/graphql';
import type { CommandCaller, ExpenseCommands } from '../commands/expenseCommands.ts';
import type { ExpenseReadModels } from '../readModels/readModels.ts';
import type { ChangeLog } from '../subscriptions/changeLog.ts';
import type { ChangeNotificationHub } from '../subscriptions/changeNotifications.ts';

/** What the resolvers work with: read models for queries, commands for mutations. */
export interface ExpenseResolverServices {
  readonly models: ExpenseReadModels;
  readonly commands: ExpenseCommands;
  /** The change log subscriptions read, and this replica's ear on change announcements. */
  readonly changes: { readonly log: ChangeLog; readonly hub: ChangeNotificationHub };
}

/** The verified caller (or UNAUTHENTICATED) with the request's correlation id. */
export function callerOf(context: SubgraphContext): CommandCaller {
  return { userId: requireViewer(context).userId, correlationId: context.correlationId };
}
