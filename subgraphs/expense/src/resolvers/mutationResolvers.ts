import type { SubgraphContext } from '@cashtrack/platform/graphql';
import type { ExpenseInputArgument } from '../commands/expenseCommands.ts';
import { callerOf, type ExpenseResolverServices } from './resolverServices.ts';

interface ExpenseIdArguments {
  readonly id: string;
  readonly expectedVersion?: number | null;
}

export function mutationResolvers({ commands }: ExpenseResolverServices) {
  return {
    logExpense(
      _: unknown,
      args: { text: string; clientMessageId?: string | null },
      context: SubgraphContext,
    ) {
      return commands.logExpense(callerOf(context), args.text, args.clientMessageId ?? undefined);
    },
    addExpense(
      _: unknown,
      args: { input: ExpenseInputArgument; clientExpenseId?: string | null },
      context: SubgraphContext,
    ) {
      return commands.addExpense(callerOf(context), args.input, args.clientExpenseId ?? undefined);
    },
    updateExpense(
      _: unknown,
      args: ExpenseIdArguments & { input: ExpenseInputArgument },
      context: SubgraphContext,
    ) {
      return commands.updateExpense(
        callerOf(context),
        args.id,
        args.input,
        args.expectedVersion ?? undefined,
      );
    },
    async deleteExpense(_: unknown, args: ExpenseIdArguments, context: SubgraphContext) {
      const result = await commands.deleteExpense(
        callerOf(context),
        args.id,
        args.expectedVersion ?? undefined,
      );
      // The answer is only an id, so "saved but not visible yet" travels as an extension.
      if (result.pending) {
        const pending = context.responseExtensions.projectionPending;
        context.responseExtensions.projectionPending = [
          ...(Array.isArray(pending) ? (pending as unknown[]) : []),
          result.id,
        ];
      }
      return result.id;
    },
  };
}
