import { refuseUnsafeText, type PayloadOf } from '@cashtrack/events';
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

/**
 * EMPTY_TEXT for blank text, TEXT_TOO_LONG past 500 characters, INVALID_CHARACTERS for a control
 * or bidi formatting character (tabs and line breaks are fine); otherwise one event.
 */
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
  refuseUnsafeText(text, 'multiLine', 'text', 'A message');
  return {
    type: 'ExpenseMessageSubmitted',
    aggregateVersion: 1,
    payload: { text, timezone: command.timezone, currency: command.currency },
  };
}

/** What the read model knows of a message's outcome, from whichever events have arrived. */
export interface ExpenseMessageOutcome {
  /** Set by ExpenseMessageRejected. */
  readonly reason: string | null;
  /** `origin.count` of the message's ExpenseRecorded events; null before the first arrives. */
  readonly expectedCount: number | null;
  /** How many of those expenses have arrived. */
  readonly parsedCount: number;
}

/**
 * REJECTED once rejected; PARSED once every expense the parser announced (`origin.count`) has
 * arrived; PENDING before. The facts arrive on two topics in no fixed order, so the status is
 * derived from them rather than stored, and any order of arrival gives the same answer.
 */
export function expenseMessageStatus(outcome: ExpenseMessageOutcome): ExpenseMessageStatus {
  if (outcome.reason !== null) return 'REJECTED';
  if (outcome.expectedCount !== null && outcome.parsedCount >= outcome.expectedCount) {
    return 'PARSED';
  }
  return 'PENDING';
}
