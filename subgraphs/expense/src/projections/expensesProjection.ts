import { planReadModelBatch, type BatchEventResult, type Evolve } from '@cashtrack/events/mongo';
import { type PositionedEvent } from '@cashtrack/events';
import {
  evolveExpense,
  expenseEventTypes,
  initialExpenseState,
  type ExpenseEvent,
} from '../domain/expense.ts';
import {
  expenseViewOf,
  prepareExpenses,
  recordOfState,
  rememberedEvents,
  stateOfRecord,
  type ExpenseDocument,
  type ExpenseRecord,
} from '../readModels/expensesReadModel.ts';
import { readModelNames } from '../readModels/readModelNames.ts';
import { eventCursor } from './eventCursor.ts';
import { changeBasis, type ExpenseChange } from './expenseChanges.ts';
import { gapsOf, isPositionedEventOf, type ReadModelProjection } from './readModelProjection.ts';
import { spendingTotalsIn, type ExpenseTransition } from './spendingTotalsProjection.ts';

/**
 * The `expenses` read model: one document per expense, the Expense aggregate's state as
 * `evolveExpense` leaves it, with the last events applied. `planReadModelBatch` applies an event
 * only if it is the next version, so duplicates and replays change nothing, and of two events
 * racing for the same version the first in the topic wins, live and on every replay alike (see
 * the subgraph README, "Concurrent writers").
 */
export const evolveExpenseRecord: Evolve<ExpenseRecord, ExpenseEvent> = (current, event) => {
  // Only the next version is applied, so the record is at the one before.
  const before =
    current === null ? initialExpenseState : stateOfRecord(current, event.aggregateVersion - 1);
  const appliedEvents = [
    ...(current?.appliedEvents ?? []),
    { version: event.aggregateVersion, eventId: event.eventId },
  ].slice(-rememberedEvents);
  return recordOfState(evolveExpense(before, event), appliedEvents);
};

const isPositionedExpenseEvent = isPositionedEventOf(expenseEventTypes);

/**
 * `expenses`, and the `spendingTotals` that follow its documents (spendingTotalsProjection.ts).
 * The buckets are written before the documents: a document's version is what a mutation waits
 * for, so when it shows the event the totals do too.
 *
 * Version 2: the totals no longer keep contribution documents of their own beside the buckets.
 * Version 3: each expense keeps the parser that made it and whether it guessed the category;
 * the rebuild reads them from the events, so expenses parsed before show their guesses too.
 * Version 4: a totals bucket holds its cells as one packed text (readModels/bucketCells.ts).
 * Version 5: and its ledger's cursors as one text.
 */
export function expensesProjection(knownBuckets: number): ReadModelProjection {
  return {
    name: readModelNames.expenses,
    companions: [readModelNames.spendingTotals],
    version: 5,
    eventTypes: expenseEventTypes,
    bind(database) {
      const expenses = database.collection<ExpenseDocument>(readModelNames.expenses);
      const totals = spendingTotalsIn(database, knownBuckets);
      return {
        prepare: async () => {
          await Promise.all([prepareExpenses(expenses), totals.prepare()]);
        },
        async plan(events) {
          const positioned = events.filter(isPositionedExpenseEvent);
          const batch = await planReadModelBatch(
            expenses,
            positioned.map(({ event }) => event),
            evolveExpenseRecord,
          );
          const transitions = positioned.flatMap((at, index) => {
            const result = batch.results[index];
            return result === undefined ? [] : transitionOf(at, result);
          });
          return {
            gaps: gapsOf(
              positioned.map(({ event }) => event),
              batch.results,
            ),
            changes: positioned.flatMap((at, index) => {
              const result = batch.results[index];
              return result === undefined ? [] : changeOf(at, result);
            }),
            async commit() {
              await totals.write(transitions);
              await batch.commit();
            },
          };
        },
      };
    },
  };
}

function transitionOf(
  { event, partition, offset }: PositionedEvent<ExpenseEvent>,
  result: BatchEventResult<ExpenseRecord>,
): ExpenseTransition[] {
  if (result.outcome !== 'applied' || result.document === null) return [];
  const version = event.aggregateVersion;
  return [
    {
      cursor: eventCursor(partition, offset),
      userId: event.userId,
      before:
        result.before === null ? initialExpenseState : stateOfRecord(result.before, version - 1),
      after: stateOfRecord(result.document, version),
    },
  ];
}

/**
 * The change an expense event made, as subscribers hear it, if it is the one its document
 * applied at its version: on the delivery that applied it and again on any redelivery (the
 * report is idempotent), so a crash between the writes and the report loses nothing; never for
 * another event that lost the race for that version.
 */
function changeOf(
  positioned: PositionedEvent<ExpenseEvent>,
  result: BatchEventResult<ExpenseRecord>,
): ExpenseChange[] {
  const { event } = positioned;
  const document = result.document;
  const appliedHere =
    result.outcome === 'applied' ||
    document?.appliedEvents.some(
      (applied) => applied.version === event.aggregateVersion && applied.eventId === event.eventId,
    ) === true;
  if (!appliedHere) return [];
  return [
    {
      ...changeBasis(positioned),
      kind:
        event.type === 'ExpenseRecorded'
          ? 'ADDED'
          : event.type === 'ExpenseUpdated'
            ? 'UPDATED'
            : 'DELETED',
      expenseId: event.aggregateId,
      expense: document === null ? null : expenseViewOf(document),
      messageId: document?.messageId ?? null,
    },
  ];
}
