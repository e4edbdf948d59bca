import type { PayloadOf } from '@cashtrack/events';
import { CodedError } from '@cashtrack/platform';

/**
 * An ExpenseMessage is what the user typed. Submitting it is the only command; the parser
 * decides the rest, so the states after PENDING are reached only by events.
 */

export const maxMessageLength = 500;

export type ExpenseMessageStatus = 'PENDING' | 'PARSED' | 'REJECTED';

export interface SubmitExpenseMessage {
  readonly type: 'SubmitExpenseMessage';
  readonly text: string;
  readonly timezone: string;
  readonly currency: string;
}

export interface ExpenseMessageSubmittedDraft {
  readonly type: 'ExpenseMessageSubmitted';
  readonly aggregateVersion: 1;
  readonly payload: PayloadOf<'ExpenseMessageSubmitted'>;
}

/** EMPTY_TEXT for blank text, TEXT_TOO_LONG past 500 characters; otherwise one event. */
export function decideSubmitExpenseMessage(
  command: SubmitExpenseMessage,
): ExpenseMessageSubmittedDraft {
  const text = command.text.trim();
  if (text === '')
    throw new CodedError('EMPTY_TEXT', 'Say what you spent, e.g. "coffee 4.50"', { field: 'text' });
  if ([...text].length > maxMessageLength) {
    throw new CodedError('TEXT_TOO_LONG', `A message has at most ${maxMessageLength} characters`, {
      field: 'text',
    });
  }
  return {
    type: 'ExpenseMessageSubmitted',
    aggregateVersion: 1,
    payload: { text, timezone: command.timezone, currency: command.currency },
  };
}
