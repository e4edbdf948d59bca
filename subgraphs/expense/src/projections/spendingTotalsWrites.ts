import { randomUUID } from 'node:crypto';
import type { AnyBulkWriteOperation } from 'mongodb';
import { writeAllOrConflict } from '@cashtrack/events/mongo';
import {
  planBucketUpdates,
  type BucketChange,
  type BucketLedger,
  type BucketUpdate,
} from '../domain/spendingTotals.ts';
import type {
  MonthTotalsDocument,
  SpendingTotalsCollection,
} from '../readModels/spendingTotalsReadModel.ts';
import { addToCells } from '../readModels/bucketCells.ts';
import type { BucketLedgerCache, KnownBucket } from './bucketLedgerCache.ts';

/**
 * The spending totals' writes: one guarded write per bucket (an insert for a new one). Reads
 * the ledgers and cells of the buckets `changes` touch (those `knownBuckets` does not hold from
 * this projector's last write), lets `planBucketUpdates` say what each has not had, adds that to
 * its cells, and writes each bucket whole only if no one else did since it was read (its
 * `revision`, a fresh random id per write). A bucket that changed meanwhile (another replica during a rebalance, a rebuild swapped
 * in) fails the batch with PROJECTION_CONFLICT and is forgotten, so the retry reads it.
 */
export async function writeBucketChanges(
  totals: SpendingTotalsCollection,
  changes: readonly BucketChange[],
  knownBuckets: BucketLedgerCache,
): Promise<void> {
  if (changes.length === 0) return;
  const bucketIds = [...new Set(changes.map((change) => change.delta.bucketId))];
  const stored = await storedBuckets(totals, bucketIds, knownBuckets);
  const ledgers = new Map<string, BucketLedger>(
    [...stored].map(([bucketId, known]) => [bucketId, known.ledger]),
  );
  const written = new Map<string, KnownBucket>();
  const writes = planBucketUpdates(changes, ledgers).map((update) => {
    const known = stored.get(update.bucketId);
    const next: KnownBucket = {
      revision: randomUUID(),
      ledger: update.ledger,
      cells: addToCells(known?.cells ?? '', update.cells),
    };
    written.set(update.bucketId, next);
    return bucketWrite(update, known, next);
  });
  try {
    await writeAllOrConflict(
      totals,
      writes,
      'A spending totals bucket changed while a batch was applied to it',
    );
  } catch (error) {
    knownBuckets.forget(bucketIds);
    throw error;
  }
  for (const [bucketId, known] of written) knownBuckets.remember(bucketId, known);
}

/** The ledger, cells and revision of each bucket that exists, from memory or in one read. */
async function storedBuckets(
  totals: SpendingTotalsCollection,
  bucketIds: readonly string[],
  knownBuckets: BucketLedgerCache,
): Promise<Map<string, KnownBucket>> {
  const stored = new Map<string, KnownBucket>();
  const unknown: string[] = [];
  for (const bucketId of bucketIds) {
    const known = knownBuckets.get(bucketId);
    if (known === undefined) unknown.push(bucketId);
    else stored.set(bucketId, known);
  }
  if (unknown.length === 0) return stored;
  const found = await totals
    .find(
      { _id: { $in: unknown } },
      // One reply for all of them, not the driver's first batch of 101 and then more.
      {
        projection: { appliedChanges: 1, settledThrough: 1, revision: 1, cells: 1 },
        batchSize: unknown.length,
      },
    )
    .toArray();
  for (const bucket of found) {
    stored.set(bucket._id, {
      revision: bucket.revision,
      ledger: {
        appliedChanges: bucket.appliedChanges === '' ? [] : bucket.appliedChanges.split(' '),
        settledThrough: bucket.settledThrough,
      },
      cells: bucket.cells,
    });
  }
  return stored;
}

/**
 * A new bucket (none was read: `stored` undefined) whole, as an insert: a batch's new buckets
 * then go in one insert, which FerretDB commits once, where an upserting update each cost a
 * commit each (half the projector's time in bench:projector). An `_id` another writer took
 * meanwhile fails the insert as the upsert's filter did. A bucket that exists gets its new
 * cells, identity and ledger `$set` as a compare-and-set on the revision read: the cells are
 * one text (bucketCells.ts), so they are added up here rather than by a `$inc` per cell.
 */
function bucketWrite(
  update: BucketUpdate,
  stored: KnownBucket | undefined,
  next: KnownBucket,
): AnyBulkWriteOperation<MonthTotalsDocument> {
  const { userId, currency, month } = update;
  const fields = {
    userId,
    currency,
    month,
    cells: next.cells,
    appliedChanges: next.ledger.appliedChanges.join(' '),
    settledThrough: next.ledger.settledThrough,
    revision: next.revision,
  };
  if (stored === undefined) {
    return { insertOne: { document: { _id: update.bucketId, ...fields } } };
  }
  return {
    updateOne: {
      filter: { _id: update.bucketId, revision: stored.revision },
      update: { $set: fields },
    },
  };
}
