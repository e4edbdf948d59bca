import { z } from 'zod';
import { isUtcInstant } from './utcInstant.ts';

/**
 * The one envelope every CashTrack event travels in (DESIGN.md, "Topics and events"). `version`
 * is the payload's schema version; `aggregateVersion` counts the events of one aggregate (1, 2,
 * 3...) and is what projections use to apply each event exactly once and in order.
 */
export interface EventEnvelope<Type extends string = string, Payload = unknown> {
  /** UUID, unique per event; duplicates delivered by Kafka or the outbox carry the same one. */
  readonly eventId: string;
  readonly type: Type;
  /** Schema version of `payload`; consumers upcast older versions when decoding. */
  readonly version: number;
  /** ISO-8601 UTC instant, e.g. `2026-11-24T10:00:00.000Z`. */
  readonly occurredAt: string;
  /** Kafka key: one user's events share a partition and stay in order. */
  readonly userId: string;
  readonly aggregateId: string;
  readonly aggregateVersion: number;
  /** The request (or first event) that started the chain; every log line carries it. */
  readonly correlationId: string;
  /** The `eventId` of the event that caused this one; `null` when a request caused it. */
  readonly causationId: string | null;
  readonly payload: Payload;
}

const nonEmpty = z.string().min(1).max(200);

/** One hand-written check rather than zod's `datetime()`, which builds a RegExp on every parse. */
const occurredAtSchema = z.string().superRefine((value, context) => {
  if (isUtcInstant(value)) return;
  context.addIssue({
    code: z.ZodIssueCode.custom,
    message: 'must be an ISO-8601 UTC instant such as 2026-11-24T10:00:00.000Z',
  });
});

/** Envelope fields apart from type, version and payload, which depend on the event type. */
export const envelopeFieldsSchema = z.object({
  eventId: z.string().uuid(),
  occurredAt: occurredAtSchema,
  userId: nonEmpty,
  aggregateId: nonEmpty,
  aggregateVersion: z.number().int().positive(),
  correlationId: nonEmpty,
  causationId: nonEmpty.nullable(),
});
