import { bucketChangesOf } from '../domain/spendingTotals.ts';
import type { ExpenseState } from '../domain/expense.ts';
import { readModelNames } from '../readModels/readModelNames.ts';
import {
  prepareSpendingTotals,
  type MonthTotalsDocument,
} from '../readModels/spendingTotalsReadModel.ts';
import { BucketLedgerCache } from './bucketLedgerCache.ts';
import type { ReadModelDatabase } from './readModelProjection.ts';
import { writeBucketChanges } from './spendingTotalsWrites.ts';

/** An expense event the `expenses` read model applied: the state it replaced and its result. */
export interface ExpenseTransition {
  /** The event's place in its topic (`eventCursor`). */
  readonly cursor: string;
  readonly userId: string;
  readonly before: ExpenseState;
  readonly after: ExpenseState;
}

export interface SpendingTotals {
  prepare(): Promise<void>;
  /** Counts the transitions into their buckets; each once, however often it is written. */
  write(transitions: readonly ExpenseTransition[]): Promise<void>;
}

/**
 * Spending totals, kept incrementally from the expenses' own transitions: a record adds the
 * expense's amount and 1 to its cells, an update moves its old values out and its new ones in,
 * a deletion takes them out. They follow the `expenses` documents, which say what each expense
 * adds now, so the two are projected, and rebuilt, together (see expensesProjection.ts).
 *
 * Without multi-document transactions a crash can fall between the buckets' writes and the
 * documents'. So the buckets are written first, each change recorded in its bucket's ledger
 * under the cursor of the event that caused it, and the documents after. A redelivery after a
 * crash in between finds the documents as they were, works out the same changes from them, and
 * the ledgers skip those already counted: every change is counted once, whichever way the
 * events are split into batches, and a whole replay gives the same totals.
 *
 * `knownBuckets`: how many bucket ledgers to remember between batches instead of reading them
 * back (see bucketLedgerCache.ts).
 */
export function spendingTotalsIn(
  database: ReadModelDatabase,
  knownBuckets: number,
): SpendingTotals {
  const totals = database.collection<MonthTotalsDocument>(readModelNames.spendingTotals);
  const ledgers = new BucketLedgerCache(knownBuckets);
  return {
    prepare: () => prepareSpendingTotals(totals),
    write: (transitions) =>
      writeBucketChanges(
        totals,
        transitions.flatMap(({ cursor, userId, before, after }) =>
          bucketChangesOf(cursor, userId, before, after),
        ),
        ledgers,
      ),
  };
}
