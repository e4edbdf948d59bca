import { describe, expect, it } from '@jest/globals';
import {
  decideExpense,
  evolveExpense,
  initialExpenseState,
  type ExpenseCommand,
  type ExpenseEventDraft,
  type ExpenseState,
} from '../src/domain/expense.ts';
import type { ExpenseValues } from '../src/domain/expenseValues.ts';

const alice = 'user-alice';
const groceries: ExpenseValues = {
  amountMinor: 5000,
  currency: 'USD',
  category: 'groceries',
  description: 'weekly shop',
  occurredOn: '2026-11-24',
};
const recorded: ExpenseEventDraft = {
  type: 'ExpenseRecorded',
  aggregateVersion: 1,
  payload: { ...groceries, source: 'MANUAL', origin: null },
};

/** Given past events, when a command is decided, then these events (or this error code). */
function given(...events: ExpenseEventDraft[]) {
  const state = events.reduce<ExpenseState>(
    (current, event) => evolveExpense(current, alice, event),
    initialExpenseState,
  );
  return {
    when: (command: ExpenseCommand) => ({
      then: (expected: ExpenseEventDraft[]) =>
        expect(decideExpense(command, state)).toEqual(expected),
      thenFailsWith: (code: string) =>
        expect(() => decideExpense(command, state)).toThrow(expect.objectContaining({ code })),
    }),
  };
}

describe('the Expense decider', () => {
  it('records a manual expense as version 1', () => {
    given().when({ type: 'RecordExpense', userId: alice, values: groceries }).then([recorded]);
  });

  it('refuses to record the same id twice', () => {
    given(recorded)
      .when({ type: 'RecordExpense', userId: alice, values: groceries })
      .thenFailsWith('CONFLICT');
  });

  it('updates with the complete new values at the next version', () => {
    const values = { ...groceries, amountMinor: 6000, category: 'dining' as const };
    given(recorded)
      .when({ type: 'UpdateExpense', userId: alice, values, expectedVersion: 1 })
      .then([{ type: 'ExpenseUpdated', aggregateVersion: 2, payload: values }]);
  });

  it('answers CONFLICT to an update from a stale version', () => {
    const update: ExpenseEventDraft = {
      type: 'ExpenseUpdated',
      aggregateVersion: 2,
      payload: groceries,
    };
    given(recorded, update)
      .when({ type: 'UpdateExpense', userId: alice, values: groceries, expectedVersion: 1 })
      .thenFailsWith('CONFLICT');
  });

  it('deletes at the next version', () => {
    given(recorded)
      .when({ type: 'DeleteExpense', userId: alice })
      .then([{ type: 'ExpenseDeleted', aggregateVersion: 2, payload: {} }]);
  });

  it.each<[string, ExpenseEventDraft[], ExpenseCommand]>([
    ['absent', [], { type: 'UpdateExpense', userId: alice, values: groceries }],
    [
      'deleted',
      [recorded, { type: 'ExpenseDeleted', aggregateVersion: 2, payload: {} }],
      { type: 'DeleteExpense', userId: alice },
    ],
    ["another user's", [recorded], { type: 'DeleteExpense', userId: 'user-mallory' }],
    [
      "another user's (update)",
      [recorded],
      { type: 'UpdateExpense', userId: 'user-mallory', values: groceries },
    ],
  ])('answers NOT_FOUND for an %s expense', (_label, history, command) => {
    given(...history)
      .when(command)
      .thenFailsWith('NOT_FOUND');
  });
});
