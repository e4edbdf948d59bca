import { describe, expect, it } from '@jest/globals';
import { decideSubmitExpenseMessage, expenseMessageStatus } from '../src/domain/expenseMessage.ts';

describe('expenseMessageStatus', () => {
  it('is PENDING until every announced expense arrived, then PARSED', () => {
    expect(expenseMessageStatus({ reason: null, expectedCount: null, parsedCount: 0 })).toBe(
      'PENDING',
    );
    expect(expenseMessageStatus({ reason: null, expectedCount: 2, parsedCount: 1 })).toBe(
      'PENDING',
    );
    expect(expenseMessageStatus({ reason: null, expectedCount: 2, parsedCount: 2 })).toBe('PARSED');
  });

  it('is REJECTED once rejected, whatever else arrived', () => {
    expect(expenseMessageStatus({ reason: 'no amount', expectedCount: null, parsedCount: 0 })).toBe(
      'REJECTED',
    );
  });
});

describe('decideSubmitExpenseMessage', () => {
  const submit = (text: string) => () =>
    decideSubmitExpenseMessage({
      type: 'SubmitExpenseMessage',
      text,
      timezone: 'UTC',
      currency: 'USD',
    });

  it('keeps tabs, line breaks and HTML as typed', () => {
    expect(submit('coffee 4\n<b>lunch</b>\t12')().payload.text).toBe('coffee 4\n<b>lunch</b>\t12');
  });

  it.each(['coffee\u0000 4', 'coffee 4 \u202e21', 'coffee \u2067 4', 'coffee\u001b[2J 4'])(
    'refuses %p as INVALID_CHARACTERS on text',
    (text) => {
      expect(submit(text)).toThrow(
        expect.objectContaining({
          code: 'INVALID_CHARACTERS',
          details: expect.objectContaining({ field: 'text' }),
        }),
      );
    },
  );
});
