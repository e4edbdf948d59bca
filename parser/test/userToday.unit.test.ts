import { describe, expect, it } from '@jest/globals';
import { userToday } from '../src/rules/dates.ts';

/** The user's day, kept per time zone between messages: it must still turn at their midnight. */
describe('userToday', () => {
  const day = (iso: string, timezone: string) => userToday(new Date(iso), timezone).toISODate();

  it("turns at the user's midnight, not UTC's, from one message to the next", () => {
    expect(day('2026-11-24T22:59:59.999Z', 'Europe/Berlin')).toBe('2026-11-24');
    expect(day('2026-11-24T23:00:00.000Z', 'Europe/Berlin')).toBe('2026-11-25');
    expect(day('2026-11-24T23:30:00.000Z', 'UTC')).toBe('2026-11-24');
    expect(day('2026-11-24T22:00:00.000Z', 'Europe/Berlin')).toBe('2026-11-24');
  });

  it('ends a 23-hour day at its own next midnight when the clocks go forward', () => {
    // Berlin's 2026-03-29 runs from 23:00 UTC the day before to 22:00 UTC.
    expect(day('2026-03-28T23:00:00.000Z', 'Europe/Berlin')).toBe('2026-03-29');
    expect(day('2026-03-29T21:59:59.999Z', 'Europe/Berlin')).toBe('2026-03-29');
    expect(day('2026-03-29T22:00:00.000Z', 'Europe/Berlin')).toBe('2026-03-30');
  });
});
