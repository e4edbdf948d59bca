import type { BucketLedger } from '../domain/spendingTotals.ts';
import type { PackedCells } from '../readModels/bucketCells.ts';

/** A bucket's ledger and cells as this projector last wrote them, and the revision that write left. */
export interface KnownBucket {
  readonly revision: string;
  readonly ledger: BucketLedger;
  readonly cells: PackedCells;
}

/**
 * The buckets (ledger and cells) this projector wrote last, so that a batch need not read them
 * back first. A replica owns a partition, and with it the buckets of that partition's users, and
 * each bucket write is a compare-and-set on the revision it knows. When someone else wrote a
 * bucket meanwhile (a rebalance, a rebuild swapping the collection in), the write misses, the
 * batch fails and its buckets are forgotten here, so the retry reads them. Revisions are random,
 * so a rebuilt bucket never matches a remembered revision by chance. Past `capacity` the least
 * recently used entries go.
 */
export class BucketLedgerCache {
  private readonly entries = new Map<string, KnownBucket>();

  constructor(private readonly capacity: number) {}

  get(bucketId: string): KnownBucket | undefined {
    const known = this.entries.get(bucketId);
    if (known !== undefined) {
      this.entries.delete(bucketId);
      this.entries.set(bucketId, known);
    }
    return known;
  }

  remember(bucketId: string, known: KnownBucket): void {
    this.entries.delete(bucketId);
    this.entries.set(bucketId, known);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }

  forget(bucketIds: Iterable<string>): void {
    for (const bucketId of bucketIds) this.entries.delete(bucketId);
  }
}
