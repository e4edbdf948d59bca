import { Histogram, type Registry } from 'prom-client';

/**
 * A projector's figures: how many events each batch held, how long after it happened each event
 * reached the read models, and how long a typed message took to become a projected expense.
 */
export class ProjectorMetrics {
  private readonly batchEvents: Histogram;
  private readonly projectionDelay: Histogram;
  private readonly messageToExpense: Histogram;

  constructor(registry: Registry) {
    this.batchEvents = new Histogram({
      name: 'expense_projector_batch_events',
      help: 'Events per batch the expense projector wrote to its read models at once.',
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
      registers: [registry],
    });
    this.projectionDelay = new Histogram({
      name: 'expense_projection_delay_seconds',
      help: "From an event's occurredAt to its batch written to the read models and reported.",
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    });
    this.messageToExpense = new Histogram({
      name: 'expense_message_to_expense_seconds',
      help:
        'From a message accepted by logExpense (its ExpenseMessageSubmitted occurredAt) to one ' +
        'of its ExpenseRecorded events written to the read models and reported to subscribers.',
      buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 300],
      registers: [registry],
    });
  }

  /** A batch of `events` written at `writtenAtMs`, their occurredAt (epoch ms) in `occurredAtMs`. */
  batchWritten(writtenAtMs: number, occurredAtMs: readonly number[]): void {
    this.batchEvents.observe(occurredAtMs.length);
    for (const occurredAt of occurredAtMs) {
      this.projectionDelay.observe(Math.max(0, writtenAtMs - occurredAt) / 1_000);
    }
  }

  /** An expense from a message submitted at `submittedAtMs` was written at `writtenAtMs`. */
  expenseFromMessageWritten(writtenAtMs: number, submittedAtMs: number): void {
    this.messageToExpense.observe(Math.max(0, writtenAtMs - submittedAtMs) / 1_000);
  }
}
