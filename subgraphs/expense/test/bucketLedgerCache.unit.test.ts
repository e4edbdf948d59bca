import { describe, expect, it } from '@jest/globals';
import { emptyBucketLedger } from '../src/domain/spendingTotals.ts';
import { BucketLedgerCache } from '../src/projections/bucketLedgerCache.ts';

describe('the buckets a projector remembers', () => {
  const known = (revision: string) => ({ revision, ledger: emptyBucketLedger, cells: '' });

  it('lets the least recently used bucket go first past its capacity', () => {
    const cache = new BucketLedgerCache(2);
    cache.remember('a', known('1'));
    cache.remember('b', known('1'));
    expect(cache.get('a')?.revision).toBe('1'); // now b is the least recently used
    cache.remember('c', known('1'));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
  });

  it('keeps the latest revision of a bucket, and forgets buckets on request', () => {
    const cache = new BucketLedgerCache(10);
    cache.remember('a', known('1'));
    cache.remember('a', known('2'));
    expect(cache.get('a')?.revision).toBe('2');
    cache.forget(['a', 'never-seen']);
    expect(cache.get('a')).toBeUndefined();
  });
});
