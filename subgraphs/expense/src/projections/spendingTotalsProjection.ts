import { randomUUID } from 'node:crypto';
import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import {
  planReadModelBatch,
  writeAllOrConflict,
  type BatchEventResult,
  type Evolve,
  type PositionedEvent,
} from '@cashtrack/events';
import { UnreachableCaseError } from '@cashtrack/platform';
import {
  admitBucketChanges,
  contributionOf,
  emptyBucketLedger,
  totalsDelta,
  type BucketDelta,
} from '../domain/spendingTotals.ts';
import type {
  ContributionDocument,
  ContributionRecord,
  MonthTotalsDocument,
  SpendingTotalsCollection,
} from '../readModels/spendingTotalsReadModel.ts';
import type { BucketLedgerCache, KnownBucket } from './bucketLedgerCache.ts';
import { eventCursor } from './eventCursor.ts';
import { missingPredecessor, type ExpenseEvent } from './expenseEvents.ts';

/**
 * Spending totals, kept incrementally: record adds the expense's amount and 1 to its cells,
 * update moves its old values out and its new ones in, delete takes them out.
 *
 * Without multi-document transactions a batch touches the expenses' contribution documents and
 * their monthly buckets, and a crash can fall between the writes. So the buckets are written
 * first, each `$inc` recorded in the bucket's ledger under the cursor of the event that caused
 * it, and the contributions after. A redelivery after a crash in between finds the contributions
 * as they were, works out the same bucket changes from them, and the ledgers skip those already
 * applied: every change is counted once, whichever way the events are split into batches, and a
 * whole replay gives the same totals.
 */
export const evolveContribution: Evolve<ContributionRecord, ExpenseEvent> = (current, event) => {
  const userId = current?.userId ?? event.userId;
  switch (event.type) {
    case 'ExpenseRecorded':
      return { kind: 'contribution', userId, contribution: contributionOf(event.payload) };
    case 'ExpenseUpdated':
      if (current === null) throw missingPredecessor(event);
      return { kind: 'contribution', userId, contribution: contributionOf(event.payload) };
    case 'ExpenseDeleted':
      if (current === null) throw missingPredecessor(event);
      return { kind: 'contribution', userId, contribution: null };
    default:
      throw new UnreachableCaseError(event);
  }
};

/** A batch of events judged against the totals, not yet written. */
export interface SpendingTotalsBatch {
  /** The outcome per event of its contribution document. */
  readonly results: readonly BatchEventResult<ContributionRecord>[];
  readonly hasGap: boolean;
  /**
   * Writes the buckets, then the contributions; `alongside` (another read model's write that
   * must follow the buckets) runs together with the contributions. The order is what makes a
   * crash in between harmless (see above).
   */
  commit(alongside?: () => Promise<void>): Promise<void>;
}

/**
 * Judges consecutive events of one partition against the totals in `totals` (the live
 * collection or one being rebuilt): one read of their contribution documents. `knownBuckets`
 * spares reading back the buckets this projector wrote last. Commit nothing when `hasGap`.
 */
export async function planSpendingTotals(
  totals: SpendingTotalsCollection,
  events: readonly PositionedEvent<ExpenseEvent>[],
  knownBuckets?: BucketLedgerCache,
): Promise<SpendingTotalsBatch> {
  const contributions = totals as unknown as Collection<ContributionDocument>;
  const batch = await planReadModelBatch(
    contributions,
    events.map(({ event }) => event),
    evolveContribution,
  );
  const changes: BucketChange[] = [];
  batch.results.forEach((result, index) => {
    const positioned = events[index];
    if (result.outcome !== 'applied' || positioned === undefined || result.document === null) {
      return;
    }
    const cursor = eventCursor(positioned.partition, positioned.offset);
    const before = result.before?.contribution ?? null;
    for (const delta of totalsDelta(result.document.userId, before, result.document.contribution)) {
      changes.push({ cursor, delta });
    }
  });
  return {
    results: batch.results,
    hasGap: batch.hasGap,
    async commit(alongside) {
      await applyBucketChanges(totals, changes, knownBuckets);
      await Promise.all([batch.commit(), alongside?.()]);
    },
  };
}

/**
 * Applies consecutive events of one partition to the totals in `totals`. Returns the outcome per
 * event of its contribution document; when some event is a `gap`, nothing was written.
 */
export async function projectSpendingTotals(
  totals: SpendingTotalsCollection,
  events: readonly PositionedEvent<ExpenseEvent>[],
): Promise<readonly BatchEventResult<ContributionRecord>[]> {
  const batch = await planSpendingTotals(totals, events);
  if (!batch.hasGap) await batch.commit();
  return batch.results;
}

/** One change of one bucket, under the cursor of the event that caused it. */
interface BucketChange {
  readonly cursor: string;
  readonly delta: BucketDelta;
}

/** What a bucket update reads and writes, for the driver's update types. */
interface BucketWrite extends Document {
  _id: string;
  appliedChanges?: string[];
  settledThrough?: string;
  revision?: string;
}

/**
 * One guarded update per bucket: read the ledgers (those not known from the last write), `$inc`
 * what they have not had, and write each bucket only if no one else did since (its `revision`,
 * a fresh random id per write). A bucket that changed meanwhile (another replica during a
 * rebalance) fails the batch, which is then retried.
 */
async function applyBucketChanges(
  totals: SpendingTotalsCollection,
  changes: readonly BucketChange[],
  knownBuckets: BucketLedgerCache | undefined,
): Promise<void> {
  if (changes.length === 0) return;
  const byBucket = new Map<string, BucketChange[]>();
  for (const change of changes) {
    const list = byBucket.get(change.delta.bucketId) ?? [];
    list.push(change);
    byBucket.set(change.delta.bucketId, list);
  }
  // The driver's update types cannot follow dotted paths into a union of document kinds.
  const buckets = totals as unknown as Collection<BucketWrite>;
  const stored = new Map<string, KnownBucket>();
  const unknown: string[] = [];
  for (const bucketId of byBucket.keys()) {
    const known = knownBuckets?.get(bucketId);
    if (known === undefined) unknown.push(bucketId);
    else stored.set(bucketId, known);
  }
  if (unknown.length > 0) {
    const found = await buckets
      .find(
        { _id: { $in: unknown } },
        // One reply for all of them, not the driver's first batch of 101 and then more.
        {
          projection: { appliedChanges: 1, settledThrough: 1, revision: 1 },
          batchSize: unknown.length,
        },
      )
      .toArray();
    for (const bucket of found) {
      stored.set(bucket._id, {
        revision: bucket.revision ?? '',
        ledger: {
          appliedChanges: bucket.appliedChanges ?? [],
          settledThrough: bucket.settledThrough ?? '',
        },
      });
    }
  }

  const writes: AnyBulkWriteOperation<BucketWrite>[] = [];
  const written = new Map<string, KnownBucket>();
  for (const [bucketId, bucketChanges] of byBucket) {
    const current = stored.get(bucketId);
    const { admitted, ledger } = admitBucketChanges(
      current?.ledger ?? emptyBucketLedger,
      bucketChanges.map((change) => change.cursor),
    );
    if (admitted.length === 0) continue;
    const admittedCursors = new Set(admitted);
    const increments: Record<string, number> = {};
    const add = (path: string, by: number): void => {
      increments[path] = (increments[path] ?? 0) + by;
    };
    let first: BucketDelta | undefined;
    for (const { cursor, delta } of bucketChanges) {
      if (!admittedCursors.has(cursor)) continue;
      first ??= delta;
      for (const cell of delta.cells) {
        add(`byCategory.${cell.category}.amountMinor`, cell.amountMinor);
        add(`byCategory.${cell.category}.count`, cell.count);
        add(`byDay.${cell.day}.${cell.category}.amountMinor`, cell.amountMinor);
        add(`byDay.${cell.day}.${cell.category}.count`, cell.count);
      }
    }
    if (first === undefined) continue;
    const revision = randomUUID();
    const identity = {
      kind: 'month',
      userId: first.userId,
      currency: first.currency,
      month: first.month,
      appliedChanges: [...ledger.appliedChanges],
      settledThrough: ledger.settledThrough,
      revision,
    } satisfies Omit<MonthTotalsDocument, '_id' | 'byCategory' | 'byDay'>;
    written.set(bucketId, { revision, ledger });
    writes.push({
      updateOne: {
        filter:
          current === undefined
            ? { _id: bucketId, revision: { $exists: false } }
            : { _id: bucketId, revision: current.revision },
        update: { $inc: increments, $set: identity },
        upsert: current === undefined,
      },
    });
  }
  try {
    await writeAllOrConflict(
      buckets,
      writes,
      'A spending totals bucket changed while a batch was applied to it',
    );
  } catch (error) {
    knownBuckets?.forget(byBucket.keys());
    throw error;
  }
  for (const [bucketId, known] of written) knownBuckets?.remember(bucketId, known);
}
