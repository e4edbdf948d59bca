import { describe, expect, it } from '@jest/globals';
import { evolveExpenseRecord } from '../src/projections/expensesProjection.ts';
import { evolveUserSettings } from '../src/projections/userSettingsProjection.ts';
import { expenseStateOf, expenseViewOf } from '../src/readModels/expensesReadModel.ts';
import {
  deleted,
  groceries,
  parsedFrom,
  recorded,
  registered,
  updated,
} from './support/sampleEvents.ts';

describe('the read models evolve', () => {
  it('an expense document remembers the events applied, the newest last', () => {
    const first = recorded('u1', 'e1');
    const second = updated('u1', 'e1', 2, { ...groceries, amountMinor: 6000 });
    const afterFirst = evolveExpenseRecord(null, first);
    const afterSecond = evolveExpenseRecord(afterFirst, second);
    expect(afterSecond).toMatchObject({ amountMinor: 6000, deleted: false, messageId: null });
    expect(afterSecond.appliedEvents).toEqual([
      { version: 1, eventId: first.eventId },
      { version: 2, eventId: second.eventId },
    ]);
    expect(evolveExpenseRecord(afterSecond, deleted('u1', 'e1', 3)).deleted).toBe(true);
  });

  it('an expense document holds the state the decider decides on', () => {
    const document = evolveExpenseRecord(null, recorded('u1', 'e1'));
    expect(expenseStateOf({ ...document, _id: 'e1', aggregateVersion: 1 })).toEqual({
      status: 'live',
      ownerId: 'u1',
      version: 1,
      values: groceries,
      source: 'MANUAL',
      messageId: null,
      parsedBy: null,
      guessed: false,
      createdAt: document.createdAt,
      updatedAt: document.updatedAt,
    });
  });

  it('an expense document keeps the parser and the guess, cleared by an update', () => {
    const origin = { messageId: 'm1', position: 0, count: 1, tokensUsed: 0 } as const;
    const guess = recorded(
      'u1',
      'e1',
      { ...groceries, category: 'other' },
      {
        ...origin,
        parser: 'rules',
        guessed: true,
      },
    );
    const document = evolveExpenseRecord(null, guess);
    expect(document).toMatchObject({ parsedBy: 'rules', guessed: true });
    const checked = evolveExpenseRecord(
      document,
      updated('u1', 'e1', 2, { ...groceries, category: 'dining' }),
    );
    expect(checked).toMatchObject({ category: 'dining', parsedBy: 'rules', guessed: false });
  });

  it('an expense document of the layout before version 3 reads as no parser and no guess', () => {
    const { parsedBy, guessed, ...before } = evolveExpenseRecord(
      null,
      parsedFrom('u1', 'message-1', 0, 1),
    );
    expect([parsedBy, guessed]).toEqual(['rules', false]);
    const document = { ...before, _id: 'e1', aggregateVersion: 1 };
    expect(expenseViewOf(document)).toMatchObject({ parsedBy: null, guessed: false });
    expect(expenseStateOf(document)).toMatchObject({ parsedBy: null, guessed: false });
  });

  it('an expense document refuses an update or delete with nothing before it', () => {
    expect(() => evolveExpenseRecord(null, deleted('u1', 'e1', 2))).toThrow(
      expect.objectContaining({ code: 'PROJECTION_INVALID' }),
    );
  });

  it('user settings follow registration and profile changes', () => {
    const settings = evolveUserSettings(null, registered('u1', 'EUR', 'Europe/Berlin'));
    expect(settings).toEqual({ currency: 'EUR', timezone: 'Europe/Berlin' });
  });
});
