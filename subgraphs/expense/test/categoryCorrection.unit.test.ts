import { describe, expect, it } from '@jest/globals';
import { categoryCorrectionOf } from '../src/domain/categoryCorrection.ts';
import type { ExpenseState } from '../src/domain/expense.ts';

/** When `updateExpense` tells the parser it got a category wrong. */

const values = {
  amountMinor: 1200,
  currency: 'USD',
  category: 'other' as const,
  description: 'bento 12',
  occurredOn: '2026-11-24',
};

function live(source: 'MESSAGE' | 'MANUAL'): ExpenseState {
  return {
    status: 'live',
    ownerId: 'user-1',
    version: 1,
    values,
    source,
    messageId: source === 'MESSAGE' ? 'message-1' : null,
    parsedBy: source === 'MESSAGE' ? 'rules' : null,
    guessed: source === 'MESSAGE',
    createdAt: '2026-11-24T10:00:00.000Z',
    updatedAt: '2026-11-24T10:00:00.000Z',
  };
}

describe('categoryCorrectionOf', () => {
  it('reports a new category for an expense a parser made, with what the parser read', () => {
    const update = {
      aggregateVersion: 2,
      values: { ...values, category: 'dining' as const, description: 'lunch box' },
    };
    expect(categoryCorrectionOf('expense-1', live('MESSAGE'), update)).toEqual({
      expenseId: 'expense-1',
      expenseVersion: 2,
      description: 'bento 12',
      fromCategory: 'other',
      toCategory: 'dining',
      parsedBy: 'rules',
      occurredOn: '2026-11-24',
    });
  });

  it('reports nothing when the category stays, or when a person entered the expense', () => {
    expect(
      categoryCorrectionOf('expense-1', live('MESSAGE'), {
        aggregateVersion: 2,
        values: { ...values, amountMinor: 1300 },
      }),
    ).toBeUndefined();
    expect(
      categoryCorrectionOf('expense-1', live('MANUAL'), {
        aggregateVersion: 2,
        values: { ...values, category: 'dining' },
      }),
    ).toBeUndefined();
  });
});
