import { randomUUID } from 'node:crypto';
import { newEvent, type EventOfType, type PayloadOf } from '@cashtrack/events';

/** Events as the service and the parser publish them, for projection and replay tests. */

export const at = new Date('2026-11-24T10:00:00Z');

export type ExpenseValuesPayload = PayloadOf<'ExpenseUpdated'>;

export const groceries: ExpenseValuesPayload = {
  amountMinor: 5000,
  currency: 'USD',
  category: 'groceries',
  description: 'weekly shop',
  occurredOn: '2026-11-24',
};

export function recorded(
  userId: string,
  expenseId: string,
  values: ExpenseValuesPayload = groceries,
  origin: PayloadOf<'ExpenseRecorded'>['origin'] = null,
): EventOfType<'ExpenseRecorded'> {
  return newEvent({
    type: 'ExpenseRecorded',
    userId,
    aggregateId: expenseId,
    aggregateVersion: 1,
    payload: { ...values, source: origin === null ? 'MANUAL' : 'MESSAGE', origin },
    correlationId: `corr-${expenseId}`,
    now: at,
  });
}

export function updated(
  userId: string,
  expenseId: string,
  version: number,
  values: ExpenseValuesPayload,
): EventOfType<'ExpenseUpdated'> {
  return newEvent({
    type: 'ExpenseUpdated',
    userId,
    aggregateId: expenseId,
    aggregateVersion: version,
    payload: values,
    correlationId: `corr-${expenseId}`,
    now: at,
  });
}

export function deleted(
  userId: string,
  expenseId: string,
  version: number,
): EventOfType<'ExpenseDeleted'> {
  return newEvent({
    type: 'ExpenseDeleted',
    userId,
    aggregateId: expenseId,
    aggregateVersion: version,
    payload: {},
    correlationId: `corr-${expenseId}`,
    now: at,
  });
}

export function submitted(
  userId: string,
  messageId: string,
  text = 'coffee 4.50 and bagel 3',
): EventOfType<'ExpenseMessageSubmitted'> {
  return newEvent({
    type: 'ExpenseMessageSubmitted',
    userId,
    aggregateId: messageId,
    aggregateVersion: 1,
    payload: { text, timezone: 'UTC', currency: 'USD' },
    correlationId: `corr-${messageId}`,
    now: at,
  });
}

export function rejected(userId: string, messageId: string): EventOfType<'ExpenseMessageRejected'> {
  return newEvent({
    type: 'ExpenseMessageRejected',
    userId,
    aggregateId: messageId,
    aggregateVersion: 2,
    payload: { reason: 'no amount found', parser: 'rules', tokensUsed: 0 },
    correlationId: `corr-${messageId}`,
    now: at,
  });
}

/** The expense the parser records as `position` of `count` found in `messageId`. */
export function parsedFrom(
  userId: string,
  messageId: string,
  position: number,
  count: number,
  values: ExpenseValuesPayload = groceries,
): EventOfType<'ExpenseRecorded'> {
  return recorded(userId, randomUUID(), values, {
    messageId,
    position,
    count,
    parser: 'rules',
    tokensUsed: 0,
  });
}

export function registered(
  userId: string,
  currency = 'USD',
  timezone = 'UTC',
): EventOfType<'UserRegistered'> {
  return newEvent({
    type: 'UserRegistered',
    userId,
    aggregateId: userId,
    aggregateVersion: 1,
    payload: { email: `${userId}@example.com`, displayName: userId, currency, timezone },
    correlationId: `corr-${userId}`,
    now: at,
  });
}
