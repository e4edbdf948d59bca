import { describe, expect, it } from '@jest/globals';
import {
  addToCells,
  packCells,
  totalsOfCells,
  unpackCells,
} from '../src/readModels/bucketCells.ts';

describe("a totals bucket's packed cells", () => {
  it('adds changes to their day and category, whatever order they come in', () => {
    const once = addToCells('', [
      { day: '24', category: 'groceries', amountMinor: 5000, count: 1 },
      { day: '03', category: 'dining', amountMinor: 1250, count: 1 },
    ]);
    const again = addToCells(once, [
      { day: '24', category: 'groceries', amountMinor: 700, count: 1 },
    ]);
    const swapped = addToCells(
      addToCells('', [{ day: '03', category: 'dining', amountMinor: 1250, count: 1 }]),
      [
        { day: '24', category: 'groceries', amountMinor: 700, count: 1 },
        { day: '24', category: 'groceries', amountMinor: 5000, count: 1 },
      ],
    );
    expect(again).toBe(swapped);
    expect(again).toBe('03 dining 1250 1;24 groceries 5700 2');
    expect(unpackCells(again)).toEqual(
      new Map([
        ['03 dining', { amountMinor: 1250, count: 1 }],
        ['24 groceries', { amountMinor: 5700, count: 2 }],
      ]),
    );
  });

  it('leaves out a cell whose expenses were all taken out again, and keeps a negative one', () => {
    const recorded = addToCells('', [
      { day: '24', category: 'groceries', amountMinor: 5000, count: 1 },
    ]);
    expect(
      addToCells(recorded, [{ day: '24', category: 'groceries', amountMinor: -5000, count: -1 }]),
    ).toBe('');
    // A deletion counted before its record, as a rebuild beside the live projector may.
    expect(addToCells('', [{ day: '05', category: 'fees', amountMinor: -300, count: -1 }])).toBe(
      '05 fees -300 -1',
    );
  });

  it('reads as totals per day and category and their sums per category', () => {
    const cells = packCells(
      new Map([
        ['01 dining', { amountMinor: 100, count: 1 }],
        ['02 dining', { amountMinor: 250, count: 2 }],
        ['02 personal_care', { amountMinor: 999, count: 1 }],
      ]),
    );
    expect(totalsOfCells(cells)).toEqual({
      byCategory: {
        dining: { amountMinor: 350, count: 3 },
        personal_care: { amountMinor: 999, count: 1 },
      },
      byDay: {
        '01': { dining: { amountMinor: 100, count: 1 } },
        '02': {
          dining: { amountMinor: 250, count: 2 },
          personal_care: { amountMinor: 999, count: 1 },
        },
      },
    });
    expect(totalsOfCells('')).toEqual({ byCategory: {}, byDay: {} });
  });
});
