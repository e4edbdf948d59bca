import type { Collection, Document, UpdateFilter } from 'mongodb';
import {
  applyToReadModel,
  isDuplicateKey,
  type Evolve,
  type ProjectionResult,
} from '@cashtrack/events';
import { UnreachableCaseError } from '@cashtrack/platform';
import { contributionOf, totalsDelta, type BucketDelta } from '../domain/spendingTotals.ts';
import type {
  ContributionDocument,
  ContributionRecord,
  SpendingTotalsCollection,
} from '../readModels/spendingTotalsReadModel.ts';
import { missingPredecessor, type ExpenseEvent } from './expenseEvents.ts';
import { insertFirstVersion } from './firstVersion.ts';

/**
 * Spending totals, kept incrementally: record adds the expense's amount and 1 to its cells,
 * update moves its old values out and its new ones in, delete takes them out.
 *
 * Without multi-document transactions an event touches two documents (the expense's
 * contribution and a monthly bucket, two buckets when an update moves months), and a crash can
 * fall between the writes. So:
 * 1. the contribution document (versioned by `applyToReadModel`, so applied once) records the
 *    new contribution together with the bucket changes it causes, under the event's id, in
 *    `pendingTotals`;
 * 2. each bucket change is an `$inc` guarded by that id (`appliedChangeIds`), so applying it
 *    again does nothing;
 * 3. the change is then removed from `pendingTotals`.
 * Every delivery of the event, first or repeated, runs 2 and 3 for whatever is still pending, so
 * a crash anywhere is repaired by the redelivery Kafka makes after it, and a whole replay gives
 * the same totals. Totals move only when the contribution's version advanced (step 1 applied).
 */
export const evolveContribution: Evolve<ContributionRecord, ExpenseEvent> = (current, event) => {
  const before = current?.contribution ?? null;
  const userId = current?.userId ?? event.userId;
  let after: ContributionRecord['contribution'];
  switch (event.type) {
    case 'ExpenseRecorded':
    case 'ExpenseUpdated':
      if (event.type === 'ExpenseUpdated' && current === null) throw missingPredecessor(event);
      after = contributionOf(event.payload);
      break;
    case 'ExpenseDeleted':
      if (current === null) throw missingPredecessor(event);
      after = null;
      break;
    default:
      throw new UnreachableCaseError(event);
  }
  const delta = totalsDelta(userId, before, after);
  return {
    kind: 'contribution',
    userId,
    contribution: after,
    pendingTotals: {
      ...(current?.pendingTotals ?? {}),
      ...(delta.length === 0 ? {} : { [event.eventId]: delta }),
    },
  };
};

/**
 * Applies `event` to the totals in `totals` (the live collection or one being rebuilt) and
 * finishes any bucket change of this expense a crash left pending. Returns the outcome of the
 * contribution document; on `gap` nothing was changed.
 */
export async function projectSpendingTotals(
  totals: SpendingTotalsCollection,
  event: ExpenseEvent,
): Promise<ProjectionResult> {
  const contributions = totals as unknown as Collection<ContributionDocument>;
  let written: ContributionRecord | undefined;
  const evolve: Evolve<ContributionRecord, ExpenseEvent> = (current, next) => {
    written = evolveContribution(current, next);
    return written;
  };
  // A first record is one insert; if the contribution exists, the usual way judges the event.
  const inserted =
    event.type === 'ExpenseRecorded'
      ? await insertFirstVersion(contributions, event, evolve)
      : undefined;
  if (inserted === undefined) written = undefined;
  const result = inserted ?? (await applyToReadModel(contributions, event, evolve));
  if (result.outcome === 'gap') return result;
  const pending =
    result.outcome === 'applied' && written !== undefined
      ? written.pendingTotals
      : ((await contributions.findOne({ _id: event.aggregateId }))?.pendingTotals ?? {});
  for (const [changeId, buckets] of Object.entries(pending)) {
    for (const bucket of buckets) await applyBucketDelta(totals, changeId, bucket);
    await contributions.updateOne(
      { _id: event.aggregateId },
      { $unset: { [`pendingTotals.${changeId}`]: '' } },
    );
  }
  return result;
}

/** What a bucket update touches, for the driver's update types. */
interface BucketWrite extends Document {
  _id: string;
  appliedChangeIds: string[];
}

/** One guarded `$inc` of a monthly bucket; a change already applied is skipped. */
async function applyBucketDelta(
  totals: SpendingTotalsCollection,
  changeId: string,
  delta: BucketDelta,
): Promise<void> {
  const increments: Record<string, number> = {};
  const add = (path: string, by: number): void => {
    increments[path] = (increments[path] ?? 0) + by;
  };
  for (const cell of delta.cells) {
    add(`byCategory.${cell.category}.amountMinor`, cell.amountMinor);
    add(`byCategory.${cell.category}.count`, cell.count);
    add(`byDay.${cell.day}.${cell.category}.amountMinor`, cell.amountMinor);
    add(`byDay.${cell.day}.${cell.category}.count`, cell.count);
  }
  // The driver's update types cannot follow dotted paths into a union of document kinds.
  const buckets = totals as unknown as Collection<BucketWrite>;
  try {
    const update = {
      $inc: increments,
      $set: { kind: 'month', userId: delta.userId, currency: delta.currency, month: delta.month },
      $push: { appliedChangeIds: changeId },
    };
    await buckets.updateOne(
      { _id: delta.bucketId, appliedChangeIds: { $ne: changeId } },
      update as unknown as UpdateFilter<BucketWrite>,
      { upsert: true },
    );
  } catch (error) {
    // The bucket exists and has this change: the filter missed, the upsert hit its _id.
    if (!isDuplicateKey(error)) throw error;
  }
}
