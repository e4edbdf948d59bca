import { describe, expect, it } from '@jest/globals';
import { expenseMessageStatus } from '../src/domain/expenseMessage.ts';

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
