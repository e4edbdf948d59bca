import { randomUUID } from 'node:crypto';
import { newEvent, type EventOfType } from '../src/index.ts';

/** `total` manual ExpenseRecorded events of `users` people, as both event benches consume them. */
export function benchExpenseEvents(total: number, users: number): EventOfType<'ExpenseRecorded'>[] {
  const now = new Date('2026-11-24T10:00:00Z');
  return Array.from({ length: total }, (_, index) =>
    newEvent({
      type: 'ExpenseRecorded',
      userId: `bench-user-${index % users}`,
      aggregateId: randomUUID(),
      aggregateVersion: 1,
      payload: {
        amountMinor: 100 + index,
        currency: 'USD',
        category: 'groceries',
        description: `bench expense ${index}`,
        occurredOn: '2026-11-24',
        source: 'MANUAL',
        origin: null,
      },
      correlationId: randomUUID(),
      now,
    }),
  );
}
