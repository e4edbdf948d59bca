import type { Category } from '@cashtrack/events';
import type { ExpenseState } from './expense.ts';
import type { ExpenseValues } from './expenseValues.ts';

/**
 * Spending totals are kept per user, per currency and per calendar month ("bucket"); inside a
 * bucket, per category for the whole month and per day and category. A summary then reads one
 * small document per month of its range instead of every expense.
 *
 * This module is the pure arithmetic: what one expense adds to the totals (its contribution),
 * what a change of that expense moves (the difference between two contributions), and what a
 * bucket gets of a batch of changes it may have had before (each counted once, by its cursor).
 */

/** What one live expense adds to the totals. */
export interface Contribution {
  readonly currency: string;
  /** `YYYY-MM` of `occurredOn`. */
  readonly month: string;
  /** `DD` of `occurredOn`. */
  readonly day: string;
  readonly category: Category;
  readonly amountMinor: number;
}

/** One category-and-day cell of a bucket moved by a change. */
export interface TotalsCellDelta {
  readonly category: Category;
  readonly day: string;
  readonly amountMinor: number;
  readonly count: number;
}

/** Everything one change moves inside one bucket. */
export interface BucketDelta {
  readonly bucketId: string;
  readonly userId: string;
  readonly currency: string;
  readonly month: string;
  readonly cells: readonly TotalsCellDelta[];
}

export function contributionOf(values: ExpenseValues): Contribution {
  return {
    currency: values.currency,
    month: values.occurredOn.slice(0, 7),
    day: values.occurredOn.slice(8, 10),
    category: values.category,
    amountMinor: values.amountMinor,
  };
}

/** What an expense in `state` adds: nothing unless it is live. */
function contributionOfState(state: ExpenseState): Contribution | null {
  return state.status === 'live' ? contributionOf(state.values) : null;
}

/** The id of the bucket of one user, currency and month; the same on every replica and replay. */
function bucketIdOf(userId: string, currency: string, month: string): string {
  return `month|${userId}|${currency}|${month}`;
}

/**
 * What replacing contribution `before` by `after` moves (null: no live expense): the old
 * values out, the new ones in, merged per bucket and cell so one bucket gets one update per
 * change, and cells that cancel out (a description-only edit) dropped. Buckets come out sorted,
 * so the same change always produces the same list.
 */
export function totalsDelta(
  userId: string,
  before: Contribution | null,
  after: Contribution | null,
): BucketDelta[] {
  const cells = new Map<string, { bucket: Contribution; cell: TotalsCellDelta }>();
  const add = (contribution: Contribution, sign: 1 | -1): void => {
    const bucketId = bucketIdOf(userId, contribution.currency, contribution.month);
    const key = `${bucketId}#${contribution.category}#${contribution.day}`;
    const previous = cells.get(key)?.cell;
    cells.set(key, {
      bucket: contribution,
      cell: {
        category: contribution.category,
        day: contribution.day,
        amountMinor: (previous?.amountMinor ?? 0) + sign * contribution.amountMinor,
        count: (previous?.count ?? 0) + sign,
      },
    });
  };
  if (before !== null) add(before, -1);
  if (after !== null) add(after, 1);

  const buckets = new Map<string, BucketDelta>();
  for (const { bucket, cell } of cells.values()) {
    if (cell.amountMinor === 0 && cell.count === 0) continue;
    const bucketId = bucketIdOf(userId, bucket.currency, bucket.month);
    const existing = buckets.get(bucketId);
    buckets.set(bucketId, {
      bucketId,
      userId,
      currency: bucket.currency,
      month: bucket.month,
      cells: [...(existing?.cells ?? []), cell],
    });
  }
  return [...buckets.values()].sort((a, b) => a.bucketId.localeCompare(b.bucketId));
}

/**
 * What a bucket knows of the changes applied to it, so that a change delivered again is not
 * counted twice: the cursors (positions in the expenses topic) of its latest changes, and a
 * cursor at or before which every change counts as applied. Keeping only the latest
 * `rememberedBucketChanges` bounds the document; a change can arrive late, after newer ones of
 * its bucket, only while a rebuild catches up beside the live projector, and never that far
 * behind.
 */
export interface BucketLedger {
  readonly appliedChanges: readonly string[];
  readonly settledThrough: string;
}

export const rememberedBucketChanges = 100;

export const emptyBucketLedger: BucketLedger = { appliedChanges: [], settledThrough: '' };

/** Which of `cursors` the bucket has not had yet, and its ledger once they are applied. */
export function admitBucketChanges(
  ledger: BucketLedger,
  cursors: readonly string[],
): { readonly admitted: readonly string[]; readonly ledger: BucketLedger } {
  const known = new Set(ledger.appliedChanges);
  const admitted = [...new Set(cursors)].filter(
    (cursor) => cursor > ledger.settledThrough && !known.has(cursor),
  );
  if (admitted.length === 0) return { admitted, ledger };
  const remembered = [...ledger.appliedChanges, ...admitted].sort();
  const forgotten = remembered.splice(0, Math.max(0, remembered.length - rememberedBucketChanges));
  return {
    admitted,
    ledger: {
      appliedChanges: remembered,
      settledThrough: forgotten.at(-1) ?? ledger.settledThrough,
    },
  };
}

/** One change of one bucket, under the cursor of the event that caused it. */
export interface BucketChange {
  readonly cursor: string;
  readonly delta: BucketDelta;
}

/** The bucket changes of one expense event: its state `before` replaced by `after`. */
export function bucketChangesOf(
  cursor: string,
  userId: string,
  before: ExpenseState,
  after: ExpenseState,
): BucketChange[] {
  return totalsDelta(userId, contributionOfState(before), contributionOfState(after)).map(
    (delta) => ({ cursor, delta }),
  );
}

/** What one bucket gets of a batch: the sums of its new cells, and its ledger after them. */
export interface BucketUpdate {
  readonly bucketId: string;
  readonly userId: string;
  readonly currency: string;
  readonly month: string;
  /** One per category and day, summed over the changes admitted. */
  readonly cells: readonly TotalsCellDelta[];
  readonly ledger: BucketLedger;
}

/**
 * The updates `changes` make to their buckets, given each bucket's ledger as stored (absent:
 * a new bucket): the changes a bucket has had already are left out, so the same changes again,
 * in any split, update nothing. Buckets with nothing new get no update.
 */
export function planBucketUpdates(
  changes: readonly BucketChange[],
  ledgers: ReadonlyMap<string, BucketLedger>,
): BucketUpdate[] {
  const byBucket = new Map<string, BucketChange[]>();
  for (const change of changes) {
    const list = byBucket.get(change.delta.bucketId) ?? [];
    list.push(change);
    byBucket.set(change.delta.bucketId, list);
  }
  return [...byBucket].flatMap(([bucketId, bucketChanges]) => {
    const { admitted, ledger } = admitBucketChanges(
      ledgers.get(bucketId) ?? emptyBucketLedger,
      bucketChanges.map((change) => change.cursor),
    );
    const admittedCursors = new Set(admitted);
    const cells = new Map<string, TotalsCellDelta>();
    let first: BucketDelta | undefined;
    for (const { cursor, delta } of bucketChanges) {
      if (!admittedCursors.has(cursor)) continue;
      first ??= delta;
      for (const cell of delta.cells) {
        const key = `${cell.category}#${cell.day}`;
        const sum = cells.get(key);
        cells.set(key, {
          ...cell,
          amountMinor: (sum?.amountMinor ?? 0) + cell.amountMinor,
          count: (sum?.count ?? 0) + cell.count,
        });
      }
    }
    if (first === undefined) return [];
    const { userId, currency, month } = first;
    return [{ bucketId, userId, currency, month, cells: [...cells.values()], ledger }];
  });
}
