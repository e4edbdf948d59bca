import { describe, expect, it } from '@jest/globals';
import { isUtcInstant } from '../src/utcInstant.ts';

/** What the envelope accepted before: the `toISOString` form, read by `Date.parse`. */
const toIsoStringForm = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;
function readByDateParse(value: string): boolean {
  return toIsoStringForm.test(value) && !Number.isNaN(Date.parse(value));
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** Every edge of each field (month, day, hour, minute, second, fraction), combined. */
function instantsAroundEveryEdge(): string[] {
  const fractions = ['', '.0', '.5', '.000', '.000000000', '.000000001', '.0000000000', '.', '.x'];
  const instants: string[] = [];
  for (const year of ['0000', '2026', '9999'])
    for (const month of [0, 1, 12, 13])
      for (const day of [0, 1, 28, 29, 30, 31, 32])
        for (const hour of [0, 23, 24, 25])
          for (const minute of [0, 59, 60])
            for (const second of [0, 59, 60])
              for (const fraction of fractions) {
                instants.push(
                  `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${fraction}Z`,
                );
              }
  return instants;
}

describe('isUtcInstant', () => {
  it('accepts what Date.toISOString writes', () => {
    expect(isUtcInstant(new Date('2026-11-24T10:15:00.123Z').toISOString())).toBe(true);
    expect(isUtcInstant('2026-11-24T10:15:00Z')).toBe(true);
  });

  it('accepts exactly what the toISOString form read by Date.parse accepts, at every edge', () => {
    const disagreements = instantsAroundEveryEdge().filter(
      (instant) => isUtcInstant(instant) !== readByDateParse(instant),
    );
    expect(disagreements).toEqual([]);
  });

  it('refuses other forms, offsets and stray characters', () => {
    for (const text of [
      '',
      '2026-11-24',
      '2026-11-24T10:15:00',
      '2026-11-24T10:15:00+01:00',
      '2026-11-24 10:15:00Z',
      '2026/11/24T10:15:00Z',
      '2026-11-24T10-15-00Z',
      '2026-11-24T10:15:00.Z',
      '2026-11-24T10:15:00.1234567890Z',
      '2026-1a-24T10:15:00Z',
      '+02026-11-24T10:15:00Z',
      '2026-11-24T10:15:00z',
    ]) {
      expect({ text, accepted: isUtcInstant(text) }).toEqual({
        text,
        accepted: readByDateParse(text),
      });
      expect(isUtcInstant(text)).toBe(false);
    }
  });
});
