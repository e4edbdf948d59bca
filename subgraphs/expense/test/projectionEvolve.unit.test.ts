import { describe, expect, it } from '@jest/globals';
import { evolveExpenseRecord } from '../src/projections/expensesProjection.ts';
import { evolveContribution } from '../src/projections/spendingTotalsProjection.ts';
import { evolveUserSettings } from '../src/projections/userSettingsProjection.ts';
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

  it('a contribution follows the expense, and is null once it is deleted', () => {
    const first = recorded('u1', 'e1');
    const moved = updated('u1', 'e1', 2, { ...groceries, occurredOn: '2026-12-01' });
    const afterFirst = evolveContribution(null, first);
    expect(afterFirst.contribution).toMatchObject({ month: '2026-11', day: '24' });
    const afterMove = evolveContribution(afterFirst, moved);
    expect(afterMove).toMatchObject({
      userId: 'u1',
      contribution: { month: '2026-12', day: '01', amountMinor: 5000 },
    });
    expect(evolveContribution(afterMove, deleted('u1', 'e1', 3)).contribution).toBeNull();
  });

  it('a contribution refuses an update or delete with nothing before it', () => {
    expect(() => evolveContribution(null, deleted('u1', 'e1', 2))).toThrow(
      expect.objectContaining({ code: 'PROJECTION_INVALID' }),
    );
  });

  it('user settings follow registration and profile changes', () => {
    const settings = evolveUserSettings(null, registered('u1', 'EUR', 'Europe/Berlin'));
    expect(settings).toEqual({ currency: 'EUR', timezone: 'Europe/Berlin' });
  });
});
