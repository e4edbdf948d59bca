import { describe, expect, it } from '@jest/globals';
import {
  decideExpense,
  evolveExpense,
  initialExpenseState,
  type ExpenseCommand,
  type ExpenseEvent,
  type ExpenseEventDraft,
  type ExpenseState,
} from '../src/domain/expense.ts';
import type { ExpenseValues } from '../src/domain/expenseValues.ts';
import { deleted, recorded as recordedEvent, updated } from './support/sampleEvents.ts';

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

/** Alice's expense `e1`, as the events travel. */
const wasRecorded = recordedEvent(alice, 'e1', groceries);

/** Given past events, when a command is decided, then these events (or this error code). */
function given(...events: ExpenseEvent[]) {
  const state = events.reduce<ExpenseState>(evolveExpense, initialExpenseState);
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
    given(wasRecorded)
      .when({ type: 'RecordExpense', userId: alice, values: groceries })
      .thenFailsWith('CONFLICT');
  });

  it('updates with the complete new values at the next version', () => {
    const values = { ...groceries, amountMinor: 6000, category: 'dining' as const };
    given(wasRecorded)
      .when({ type: 'UpdateExpense', userId: alice, values, expectedVersion: 1 })
      .then([{ type: 'ExpenseUpdated', aggregateVersion: 2, payload: values }]);
  });

  it('answers CONFLICT to an update from a stale version', () => {
    given(wasRecorded, updated(alice, 'e1', 2, groceries))
      .when({ type: 'UpdateExpense', userId: alice, values: groceries, expectedVersion: 1 })
      .thenFailsWith('CONFLICT');
  });

  it('deletes at the next version', () => {
    given(wasRecorded)
      .when({ type: 'DeleteExpense', userId: alice })
      .then([{ type: 'ExpenseDeleted', aggregateVersion: 2, payload: {} }]);
  });

  it.each<[string, ExpenseEvent[], ExpenseCommand]>([
    ['absent', [], { type: 'UpdateExpense', userId: alice, values: groceries }],
    ['deleted', [wasRecorded, deleted(alice, 'e1', 2)], { type: 'DeleteExpense', userId: alice }],
    ["another user's", [wasRecorded], { type: 'DeleteExpense', userId: 'user-mallory' }],
    [
      "another user's (update)",
      [wasRecorded],
      { type: 'UpdateExpense', userId: 'user-mallory', values: groceries },
    ],
  ])('answers NOT_FOUND for an %s expense', (_label, history, command) => {
    given(...history)
      .when(command)
      .thenFailsWith('NOT_FOUND');
  });
});

describe('the Expense evolve', () => {
  it('keeps what the events said, and a deleted expense its last values', () => {
    const moved = { ...groceries, amountMinor: 6000, occurredOn: '2026-11-25' };
    const state = [
      wasRecorded,
      updated(alice, 'e1', 2, moved),
      deleted(alice, 'e1', 3),
    ].reduce<ExpenseState>(evolveExpense, initialExpenseState);
    expect(state).toEqual({
      status: 'deleted',
      ownerId: alice,
      version: 3,
      values: moved,
      source: 'MANUAL',
      messageId: null,
      parsedBy: null,
      guessed: false,
      createdAt: wasRecorded.occurredAt,
      updatedAt: wasRecorded.occurredAt,
    });
  });

  it('keeps the parser of a parsed expense, and its guess until the person updates it', () => {
    const guess = recordedEvent(
      alice,
      'e2',
      { ...groceries, category: 'other' },
      {
        messageId: 'message-1',
        position: 0,
        count: 1,
        parser: 'rules-learned',
        guessed: true,
        tokensUsed: 0,
      },
    );
    const parsed = evolveExpense(initialExpenseState, guess);
    expect(parsed).toMatchObject({ parsedBy: 'rules-learned', guessed: true });
    // Saved with the category it had: the person checked it all the same.
    const checked = evolveExpense(
      parsed,
      updated(alice, 'e2', 2, { ...groceries, category: 'other' }),
    );
    expect(checked).toMatchObject({ parsedBy: 'rules-learned', guessed: false });
  });

  it('keeps a deleted expense deleted when an update follows', () => {
    const gone = evolveExpense(
      evolveExpense(initialExpenseState, wasRecorded),
      deleted(alice, 'e1', 2),
    );
    expect(evolveExpense(gone, updated(alice, 'e1', 3, groceries)).status).toBe('deleted');
  });

  it.each([
    ['an update', updated(alice, 'e1', 2, groceries)],
    ['a deletion', deleted(alice, 'e1', 2)],
  ])('refuses %s of an expense never recorded', (_label, event) => {
    expect(() => evolveExpense(initialExpenseState, event)).toThrow(
      expect.objectContaining({ code: 'PROJECTION_INVALID' }),
    );
  });
});
