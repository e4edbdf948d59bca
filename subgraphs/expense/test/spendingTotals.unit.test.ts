import { describe, expect, it } from '@jest/globals';
import {
  admitBucketChanges,
  contributionOf,
  emptyBucketLedger,
  rememberedBucketChanges,
  totalsDelta,
  type Contribution,
} from '../src/domain/spendingTotals.ts';

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
