import { CodedError } from '@cashtrack/platform';
import { v5 as nameBasedUuid } from 'uuid';
import type { ExpenseValues } from './expenseValues.ts';

/**
 * Ids a client chooses for what it creates, so that sending a command again after its answer was
 * lost (a dropped connection, an app killed mid-request) creates nothing twice. The aggregate id is
 * derived from the caller and the client's id (RFC 9562 version 5), never taken as given: one
 * person's ids can never name, or collide with, another person's messages and expenses.
 */

/** Fixed forever: changing it would give every retried command a new aggregate. */
const clientIdNamespace = '32d887c8-8ff7-4083-a0c8-f1c091263a83';

/** Long enough to be unique per person when drawn at random, short and plain enough to log. */
const clientIdPattern = /^[A-Za-z0-9_-]{8,64}$/;

export function checkClientId(clientId: string, field: string): string {
  if (!clientIdPattern.test(clientId)) {
    throw new CodedError(
      'INVALID_CLIENT_ID',
      `${field} must be 8 to 64 letters, digits, "-" or "_"`,
      { field },
    );
  }
  return clientId;
}

/** The message a `logExpense` with this `clientMessageId` creates, the same on every retry. */
export function messageIdFor(userId: string, clientMessageId: string): string {
  return nameBasedUuid(`message:${userId}:${clientMessageId}`, clientIdNamespace);
}

/** The expense an `addExpense` with this `clientExpenseId` creates, the same on every retry. */
export function manualExpenseIdFor(userId: string, clientExpenseId: string): string {
  return nameBasedUuid(`expense:${userId}:${clientExpenseId}`, clientIdNamespace);
}

/** A retry carries the client id of a command already made; anything else is a reused id. */
export function clientIdReused(field: string): CodedError {
  return new CodedError(
    'CLIENT_ID_REUSED',
    `This ${field} was already used for something else; make a new one for a new request`,
    { field },
  );
}

/** Whether an expense on record holds exactly the values an `addExpense` asks for. */
export function sameExpenseValues(recorded: ExpenseValues, asked: ExpenseValues): boolean {
  return (
    recorded.amountMinor === asked.amountMinor &&
    recorded.currency === asked.currency &&
    recorded.category === asked.category &&
    recorded.description === asked.description &&
    recorded.occurredOn === asked.occurredOn
  );
}
