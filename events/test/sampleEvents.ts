import { newEvent, type CashTrackEvent } from '../src/index.ts';

/** One valid event of every type, for round trips. */
export function sampleOfEveryType(
  userId: string,
  now = new Date('2026-11-24T10:00:00Z'),
): CashTrackEvent[] {
  const correlationId = `corr-${userId}`;
  const messageId = `msg-${userId}`;
  const expenseId = `exp-${userId}`;
  return [
    newEvent({
      type: 'UserRegistered',
      userId,
      aggregateId: userId,
      aggregateVersion: 1,
      payload: {
        email: 'ada@example.com',
        displayName: 'Ada',
        currency: 'EUR',
        timezone: 'Europe/Berlin',
      },
      correlationId,
      now,
    }),
    newEvent({
      type: 'UserProfileUpdated',
      userId,
      aggregateId: userId,
      aggregateVersion: 2,
      payload: { currency: 'JPY' },
      correlationId,
      now,
    }),
    newEvent({
      type: 'ExpenseMessageSubmitted',
      userId,
      aggregateId: messageId,
      aggregateVersion: 1,
      payload: { text: 'Spent $50 on groceries today', timezone: 'UTC', currency: 'USD' },
      correlationId,
      now,
    }),
    newEvent({
      type: 'ExpenseRecorded',
      userId,
      aggregateId: expenseId,
      aggregateVersion: 1,
      payload: {
        amountMinor: 5000,
        currency: 'USD',
        category: 'groceries',
        description: 'groceries',
        occurredOn: '2026-11-24',
        source: 'MESSAGE',
        origin: { messageId, position: 0, count: 1, parser: 'rules', tokensUsed: 0 },
      },
      correlationId,
      causationId: null,
      now,
    }),
    newEvent({
      type: 'ExpenseUpdated',
      userId,
      aggregateId: expenseId,
      aggregateVersion: 2,
      payload: {
        amountMinor: 4500,
        currency: 'USD',
        category: 'dining',
        description: 'lunch',
        occurredOn: '2026-11-23',
      },
      correlationId,
      now,
    }),
    newEvent({
      type: 'ExpenseDeleted',
      userId,
      aggregateId: expenseId,
      aggregateVersion: 3,
      payload: {},
      correlationId,
      now,
    }),
    newEvent({
      type: 'ExpenseMessageRejected',
      userId,
      aggregateId: `${messageId}-2`,
      aggregateVersion: 2,
      payload: { reason: 'no amount found', parser: 'none', tokensUsed: 0 },
      correlationId,
      now,
    }),
    newEvent({
      type: 'AccessTokenRevoked',
      userId,
      aggregateId: `jti-${userId}`,
      aggregateVersion: 1,
      payload: { tokenId: `jti-${userId}`, expiresAt: '2026-11-24T10:15:00.000Z' },
      correlationId,
      now,
    }),
    newEvent({
      type: 'SessionRevoked',
      userId,
      aggregateId: `session-${userId}`,
      aggregateVersion: 1,
      payload: { sessionId: `session-${userId}`, lastExpiresAt: '2026-11-24T10:16:00.000Z' },
      correlationId,
      now,
    }),
    newEvent({
      type: 'ExpenseCategoryCorrected',
      userId,
      aggregateId: `${expenseId}-correction-2`,
      aggregateVersion: 1,
      payload: {
        expenseId,
        expenseVersion: 2,
        description: 'groceries',
        fromCategory: 'groceries',
        toCategory: 'dining',
        parsedBy: 'rules',
        occurredOn: '2026-11-24',
      },
      correlationId,
      now,
    }),
  ];
}

/** An `ExpenseRecorded` (version 1 of expense `expenseId`) entered by hand. */
export function manualExpense(
  userId: string,
  expenseId: string,
  amountMinor: number,
  now = new Date('2026-11-24T10:00:00Z'),
) {
  return newEvent({
    type: 'ExpenseRecorded',
    userId,
    aggregateId: expenseId,
    aggregateVersion: 1,
    payload: {
      amountMinor,
      currency: 'USD',
      category: 'other',
      description: `expense ${expenseId}`,
      occurredOn: '2026-11-24',
      source: 'MANUAL',
      origin: null,
    },
    correlationId: `corr-${expenseId}`,
    now,
  });
}

/** An `ExpenseUpdated` setting the amount of `expenseId` at `aggregateVersion`. */
export function expenseAmountChanged(
  userId: string,
  expenseId: string,
  aggregateVersion: number,
  amountMinor: number,
  now = new Date('2026-11-24T10:00:00Z'),
) {
  return newEvent({
    type: 'ExpenseUpdated',
    userId,
    aggregateId: expenseId,
    aggregateVersion,
    payload: {
      amountMinor,
      currency: 'USD',
      category: 'other',
      description: `expense ${expenseId}`,
      occurredOn: '2026-11-24',
    },
    correlationId: `corr-${expenseId}`,
    now,
  });
}
