import { useCallback } from 'react';
import { describeError } from '../api/errors';
import { newClientId, sendUntilAnswered } from '../api/lostAnswers';
import {
  AddExpenseDocument,
  DeleteExpenseDocument,
  LogExpenseDocument,
  UpdateExpenseDocument,
} from '../api/generated/graphql';
import { useSignedIn } from '../shell/AppContext';
import type { Expense } from './expenseStore';

/** What the expense form sends: the API's ExpenseInput, amount as a decimal string. */
export interface ExpenseDraft {
  readonly amount: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly category: string;
  readonly description: string;
  readonly occurredOn: string;
}

/** Undefined when it worked; else the sentence to show. */
export type Outcome = string | undefined;

export interface ExpenseActions {
  /** Sends a chat message; it shows at once as pending, then as what the parser made of it. */
  readonly logMessage: (text: string) => Promise<Outcome>;
  readonly add: (draft: ExpenseDraft) => Promise<Outcome>;
  readonly update: (id: string, draft: ExpenseDraft) => Promise<Outcome>;
  readonly remove: (id: string) => Promise<Outcome>;
}

let localKeys = 0;

function apiInput(draft: ExpenseDraft) {
  return {
    amount: draft.amount,
    currency: draft.currency,
    category: draft.category,
    description: draft.description,
    occurredOn: draft.occurredOn,
  };
}

/** Chat logging and manual add / edit / delete, each shown at once and undone if refused. */
export function useExpenseActions(): ExpenseActions {
  const { store, request } = useSignedIn();

  const logMessage = useCallback(
    async (text: string): Promise<Outcome> => {
      localKeys += 1;
      const key = `local:${localKeys}`;
      store.addLocalMessage(key, text);
      try {
        const clientMessageId = newClientId();
        const answer = await sendUntilAnswered(() =>
          request(LogExpenseDocument, { text, clientMessageId }),
        );
        const message = answer.logExpense;
        store.messageAccepted(key, message);
        return undefined;
      } catch (error) {
        const reason = describeError(error);
        store.messageFailed(key, reason);
        return reason;
      }
    },
    [request, store],
  );

  const add = useCallback(
    async (draft: ExpenseDraft): Promise<Outcome> => {
      localKeys += 1;
      const temporaryId = `local:${localKeys}`;
      const now = new Date().toISOString();
      const optimistic: Expense = {
        id: temporaryId,
        amount: { amountMinor: draft.amountMinor, currency: draft.currency },
        category: draft.category,
        description: draft.description,
        occurredOn: draft.occurredOn,
        source: 'MANUAL',
        messageId: null,
        parsedBy: null,
        guessed: false,
        createdAt: now,
        version: 0,
      };
      store.upsert(optimistic);
      try {
        const clientExpenseId = newClientId();
        const answer = await sendUntilAnswered(() =>
          request(AddExpenseDocument, { input: apiInput(draft), clientExpenseId }),
        );
        store.replaceTemporary(temporaryId, answer.addExpense);
        return undefined;
      } catch (error) {
        store.replaceTemporary(temporaryId, undefined);
        return describeError(error);
      }
    },
    [request, store],
  );

  const update = useCallback(
    async (id: string, draft: ExpenseDraft): Promise<Outcome> => {
      const before = store.get(id);
      if (before !== undefined) {
        store.upsert({
          ...before,
          amount: { amountMinor: draft.amountMinor, currency: draft.currency },
          category: draft.category,
          description: draft.description,
          occurredOn: draft.occurredOn,
          // Saving is the person's answer to a guessed category, as the server sees it too.
          guessed: false,
        });
      }
      try {
        const answer = await request(UpdateExpenseDocument, { id, input: apiInput(draft) });
        store.upsert(answer.updateExpense);
        return undefined;
      } catch (error) {
        if (before !== undefined) store.revert(before);
        return describeError(error);
      }
    },
    [request, store],
  );

  const remove = useCallback(
    async (id: string): Promise<Outcome> => {
      const before = store.get(id);
      store.remove(id);
      try {
        await request(DeleteExpenseDocument, { id });
        return undefined;
      } catch (error) {
        if (before !== undefined) store.restore(before);
        return describeError(error);
      }
    },
    [request, store],
  );

  return { logMessage, add, update, remove };
}
