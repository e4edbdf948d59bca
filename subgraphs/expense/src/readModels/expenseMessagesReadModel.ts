import type { Collection } from 'mongodb';
import { expenseMessageStatus, type ExpenseMessageStatus } from '../domain/expenseMessage.ts';

/**
 * One document per chat message (`_id` = messageId). Its facts come from two topics with no
 * order between them (ExpenseMessageSubmitted on `cashtrack.expense-messages`, ExpenseRecorded
 * and ExpenseMessageRejected on `cashtrack.expenses`), so each event sets its own fields and
 * nothing else: any order, any repetition, the same document.
 */
export type ExpenseMessageDocument = {
  readonly _id: string;
  readonly userId: string;
  readonly text?: string;
  readonly timezone?: string;
  readonly currency?: string;
  readonly submittedAt?: string;
  /** The ExpenseMessageSubmitted applied; logExpense waits for its own. */
  readonly submittedEventId?: string;
  readonly reason?: string;
  readonly rejectedAt?: string;
  /** `origin.count` of the expenses parsed from it. */
  readonly expectedCount?: number;
  /** Expense ids by `origin.position` (as a string key). */
  readonly parsedExpenseIds?: Readonly<Record<string, string>>;
};

export type ExpenseMessagesCollection = Collection<ExpenseMessageDocument>;

export interface ExpenseMessageView {
  readonly id: string;
  readonly userId: string;
  readonly text: string;
  readonly status: ExpenseMessageStatus;
  readonly expenseIds: readonly string[];
  readonly reason: string | null;
  readonly submittedAt: string | null;
}

export function expenseMessageViewOf(document: ExpenseMessageDocument): ExpenseMessageView {
  const parsed = Object.entries(document.parsedExpenseIds ?? {})
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, id]) => id);
  return {
    id: document._id,
    userId: document.userId,
    text: document.text ?? '',
    status: expenseMessageStatus({
      reason: document.reason ?? null,
      expectedCount: document.expectedCount ?? null,
      parsedCount: parsed.length,
    }),
    expenseIds: parsed,
    reason: document.reason ?? null,
    submittedAt: document.submittedAt ?? null,
  };
}

/** The viewer's message, or null (absent or another user's alike). */
export async function findOwnExpenseMessage(
  messages: ExpenseMessagesCollection,
  userId: string,
  id: string,
): Promise<ExpenseMessageDocument | null> {
  return messages.findOne({ _id: id, userId });
}

/** Messages are read by `_id` (the default index) only. */
export async function prepareExpenseMessages(_messages: ExpenseMessagesCollection): Promise<void> {}
