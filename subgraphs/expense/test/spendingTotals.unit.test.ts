import { describe, expect, it } from '@jest/globals';
import { evolveExpense, initialExpenseState } from '../src/domain/expense.ts';
import {
  admitBucketChanges,
  bucketChangesOf,
  contributionOf,
  emptyBucketLedger,
  planBucketUpdates,
  rememberedBucketChanges,
  totalsDelta,
  type BucketLedger,
  type Contribution,
} from '../src/domain/spendingTotals.ts';
import { deleted, groceries, recorded, updated } from './support/sampleEvents.ts';

const coffee: Contribution = contributionOf({
  amountMinor: 450,
  currency: 'USD',
  category: 'dining',
  description: 'coffee',
  occurredOn: '2026-11-24',
});

describe('spending totals arithmetic', () => {
  it('records: the amount and one expense into its month, day and category', () => {
    expect(totalsDelta('u1', null, coffee)).toEqual([
      {
        bucketId: 'month|u1|USD|2026-11',
        userId: 'u1',
        currency: 'USD',
        month: '2026-11',
        cells: [{ category: 'dining', day: '24', amountMinor: 450, count: 1 }],
      },
    ]);
  });

  it('deletes: the same out again', () => {
    expect(totalsDelta('u1', coffee, null)[0]?.cells).toEqual([
      { category: 'dining', day: '24', amountMinor: -450, count: -1 },
    ]);
  });

  it('moves nothing when only the description changed', () => {
    expect(totalsDelta('u1', coffee, { ...coffee })).toEqual([]);
  });

  it('moves the difference when only the amount changed', () => {
    expect(totalsDelta('u1', coffee, { ...coffee, amountMinor: 500 })[0]?.cells).toEqual([
      { category: 'dining', day: '24', amountMinor: 50, count: 0 },
    ]);
  });

  it('moves the old values out of one month and the new ones into another, buckets in order', () => {
    const moved = { ...coffee, month: '2026-10', day: '31', category: 'groceries' as const };
    expect(totalsDelta('u1', coffee, moved).map((bucket) => [bucket.month, bucket.cells])).toEqual([
      ['2026-10', [{ category: 'groceries', day: '31', amountMinor: 450, count: 1 }]],
      ['2026-11', [{ category: 'dining', day: '24', amountMinor: -450, count: -1 }]],
    ]);
  });

  it('keeps currencies apart', () => {
    const euros = { ...coffee, currency: 'EUR' };
    expect(totalsDelta('u1', coffee, euros).map((bucket) => bucket.bucketId)).toEqual([
      'month|u1|EUR|2026-11',
      'month|u1|USD|2026-11',
    ]);
  });
});

describe('a bucket ledger', () => {
  const cursor = (offset: number) => `00000-${String(offset).padStart(20, '0')}`;

  it('admits each change once, in any order and any split', () => {
    const first = admitBucketChanges(emptyBucketLedger, [cursor(5), cursor(9)]);
    expect(first.admitted).toEqual([cursor(5), cursor(9)]);
    const again = admitBucketChanges(first.ledger, [cursor(9), cursor(7), cursor(5), cursor(7)]);
    expect(again.admitted).toEqual([cursor(7)]);
    expect(again.ledger.appliedChanges).toEqual([cursor(5), cursor(7), cursor(9)]);
    expect(admitBucketChanges(again.ledger, [cursor(5), cursor(7)]).admitted).toEqual([]);
  });

  it('forgets the oldest changes past its size, and counts everything up to them as applied', () => {
    const offsets = Array.from({ length: rememberedBucketChanges + 10 }, (_, index) => index + 1);
    const { ledger } = admitBucketChanges(emptyBucketLedger, offsets.map(cursor));
    expect(ledger.appliedChanges).toHaveLength(rememberedBucketChanges);
    expect(ledger.settledThrough).toBe(cursor(10));
    expect(admitBucketChanges(ledger, [cursor(3), cursor(10), cursor(11)]).admitted).toEqual([]);
    expect(admitBucketChanges(ledger, [cursor(200)]).admitted).toEqual([cursor(200)]);
  });
});

describe('the bucket updates of a batch', () => {
  const cursor = (offset: number) => `00000-${String(offset).padStart(20, '0')}`;
  const bought = evolveExpense(initialExpenseState, recorded('u1', 'e1'));
  const dearer = evolveExpense(bought, updated('u1', 'e1', 2, { ...groceries, amountMinor: 7000 }));
  const gone = evolveExpense(dearer, deleted('u1', 'e1', 3));
  const changes = [
    ...bucketChangesOf(cursor(1), 'u1', initialExpenseState, bought),
    ...bucketChangesOf(cursor(2), 'u1', bought, dearer),
    ...bucketChangesOf(cursor(3), 'u1', dearer, gone),
  ];
  const ledgersAfter = (updates: ReturnType<typeof planBucketUpdates>) =>
    new Map<string, BucketLedger>(updates.map((update) => [update.bucketId, update.ledger]));

  it('sums the changes per cell, and a deleted expense takes back what it added', () => {
    const [update, ...others] = planBucketUpdates(changes.slice(0, 2), new Map());
    expect(others).toEqual([]);
    expect(update).toMatchObject({
      bucketId: 'month|u1|USD|2026-11',
      cells: [{ category: 'groceries', day: '24', amountMinor: 7000, count: 1 }],
      ledger: { appliedChanges: [cursor(1), cursor(2)] },
    });
    expect(planBucketUpdates(changes, new Map())[0]?.cells).toEqual([
      { category: 'groceries', day: '24', amountMinor: 0, count: 0 },
    ]);
  });

  it('applied twice changes nothing: a bucket that has the changes gets no update', () => {
    const once = planBucketUpdates(changes, new Map());
    expect(planBucketUpdates(changes, ledgersAfter(once))).toEqual([]);
    expect(planBucketUpdates(changes.slice(1, 2), ledgersAfter(once))).toEqual([]);
  });

  it('gives the same sums for the changes in one batch or in pieces', () => {
    const first = planBucketUpdates(changes.slice(0, 1), new Map());
    const rest = planBucketUpdates(changes, ledgersAfter(first));
    const sum = (updates: ReturnType<typeof planBucketUpdates>) =>
      updates
        .flatMap((update) => update.cells)
        .reduce((total, cell) => total + cell.amountMinor, 0);
    expect(sum(first) + sum(rest)).toBe(sum(planBucketUpdates(changes, new Map())));
    expect(rest[0]?.ledger).toEqual(planBucketUpdates(changes, new Map())[0]?.ledger);
  });

  it('still counts an older change that arrives after newer ones', () => {
    const newer = planBucketUpdates(changes.slice(1), new Map());
    expect(planBucketUpdates(changes.slice(0, 1), ledgersAfter(newer))[0]?.cells).toEqual([
      { category: 'groceries', day: '24', amountMinor: 5000, count: 1 },
    ]);
  });
});
