import { describe, expect, it } from '@jest/globals';
import { evolveExpenseRecord } from '../src/projections/expensesProjection.ts';
import { evolveUserSettings } from '../src/projections/userSettingsProjection.ts';
import { expenseStateOf } from '../src/readModels/expensesReadModel.ts';
import { deleted, groceries, recorded, registered, updated } from './support/sampleEvents.ts';

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
      createdAt: document.createdAt,
      updatedAt: document.updatedAt,
    });
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
