import type { z } from 'zod';
import type { TopicKey } from '../topics.ts';

/** Turns a payload of one schema version into the next version's shape. */
export interface Upcaster {
  /** Schema of the older version, checked before `upcast` runs. */
  readonly from: z.ZodTypeAny;
  readonly upcast: (older: unknown) => unknown;
}

/**
 * Everything the codec knows about one event type: its topic, current payload version and
 * schema, how to read older versions, and the aggregate rules the envelope must follow.
 */
export interface EventDefinition<Type extends string, Payload extends z.ZodTypeAny> {
  readonly type: Type;
  readonly topic: TopicKey;
  /** Current payload version: what `newEvent` writes. */
  readonly version: number;
  readonly payload: Payload;
  /** `upcasters[n]` reads a version-n payload and returns a version n+1 payload. */
  readonly upcasters: Readonly<Record<number, Upcaster>>;
  /** Fixed `aggregateVersion` for events that are always the first (or second) of their aggregate. */
  readonly aggregateVersion?: number;
  /** The aggregate is the user itself, so `aggregateId` must equal `userId`. */
  readonly aggregateIsUser?: boolean;
}

export function defineEvent<Type extends string, Payload extends z.ZodTypeAny>(
  definition: EventDefinition<Type, Payload>,
): EventDefinition<Type, Payload> {
  return definition;
}

/** An upcaster whose older payload is typed by its schema. */
export function upcaster<From extends z.ZodTypeAny>(
  from: From,
  upcast: (older: z.output<From>) => unknown,
): Upcaster {
  return { from, upcast: (older) => upcast(older) };
}
