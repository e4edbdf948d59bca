import { channel } from 'node:diagnostics_channel';

/**
 * When each step of one projected batch ended (epoch milliseconds with the fraction), published
 * on `projectorStepsChannel` for whoever listens (`npm run bench:subscriptions` splits the
 * projector's hop with it). A diagnostics channel costs one check per batch while nobody
 * listens, so the live path keeps it.
 */
export interface ProjectorStepTimings {
  /** The ids of the batch's events, in order (cursors repeat across the projector's topics). */
  readonly eventIds: readonly string[];
  /** The batch handed to the projection: Kafka's fetch and the decoding are behind it. */
  readonly startedAt: number;
  /** Every read model has read what it needs and judged the events. */
  readonly plannedAt: number;
  /** Every read model's writes are made. */
  readonly writtenAt: number;
  /** The changes are reported: change log written, subscribers told, announcement sent. */
  readonly reportedAt: number;
}

export const projectorStepsChannel = channel('cashtrack.expense-projector.steps');

/** Epoch milliseconds with the fraction, comparable with Kafka's message timestamps. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
