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

  it('a contribution queues the bucket changes of each event under its id', () => {
    const first = recorded('u1', 'e1');
    const moved = updated('u1', 'e1', 2, { ...groceries, occurredOn: '2026-12-01' });
    const afterFirst = evolveContribution(null, first);
    expect(Object.keys(afterFirst.pendingTotals)).toEqual([first.eventId]);
    const afterMove = evolveContribution({ ...afterFirst, pendingTotals: {} }, moved);
    expect(afterMove.contribution).toMatchObject({ month: '2026-12', day: '01' });
    expect(afterMove.pendingTotals[moved.eventId]?.map((bucket) => bucket.month)).toEqual([
      '2026-11',
      '2026-12',
    ]);
    const afterDelete = evolveContribution(
      { ...afterMove, pendingTotals: {} },
      deleted('u1', 'e1', 3),
    );
    expect(afterDelete.contribution).toBeNull();
  });

  it('a description-only edit queues nothing', () => {
    const afterFirst = evolveContribution(null, recorded('u1', 'e1'));
    const edit = updated('u1', 'e1', 2, { ...groceries, description: 'food' });
    expect(evolveContribution({ ...afterFirst, pendingTotals: {} }, edit).pendingTotals).toEqual(
      {},
    );
  });

  it('user settings follow registration and profile changes', () => {
    const settings = evolveUserSettings(null, registered('u1', 'EUR', 'Europe/Berlin'));
    expect(settings).toEqual({ currency: 'EUR', timezone: 'Europe/Berlin' });
  });
});
