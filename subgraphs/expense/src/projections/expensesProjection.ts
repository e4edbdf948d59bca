import type { Evolve } from '@cashtrack/events';
import { UnreachableCaseError } from '@cashtrack/platform';
import { rememberedEvents, type ExpenseRecord } from '../readModels/expensesReadModel.ts';
import { missingPredecessor, type ExpenseEvent } from './expenseEvents.ts';

/**
 * The `expenses` read model: one document per expense, at the version of the last event applied.
 * `planReadModelBatch` applies an event only if it is the next version, so duplicates and
 * replays change nothing, and of two events racing for the same version the first in the topic
 * wins, live and on every replay alike (see the subgraph README, "Concurrent writers").
 */
export const evolveExpenseRecord: Evolve<ExpenseRecord, ExpenseEvent> = (current, event) => {
  const appliedEvents = [
    ...(current?.appliedEvents ?? []),
    { version: event.aggregateVersion, eventId: event.eventId },
  ].slice(-rememberedEvents);
  switch (event.type) {
    case 'ExpenseRecorded': {
      const { amountMinor, currency, category, description, occurredOn, source } = event.payload;
      return {
        userId: event.userId,
        amountMinor,
        currency,
        category,
        description,
        occurredOn,
        source,
        messageId: event.payload.origin?.messageId ?? null,
        createdAt: event.occurredAt,
        updatedAt: event.occurredAt,
        deleted: false,
        appliedEvents,
      };
    }
    case 'ExpenseUpdated':
      if (current === null) throw missingPredecessor(event);
      return { ...current, ...event.payload, updatedAt: event.occurredAt, appliedEvents };
    case 'ExpenseDeleted':
      if (current === null) throw missingPredecessor(event);
      return { ...current, deleted: true, updatedAt: event.occurredAt, appliedEvents };
    default:
      throw new UnreachableCaseError(event);
  }
};
