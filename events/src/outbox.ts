import { activeTraceCarrier, type TraceCarrier } from '@cashtrack/platform';
import { parseEvent } from './codec.ts';
import type { CashTrackEvent } from './eventCatalog.ts';

/**
 * The transactional outbox without transactions: a service stores its state change and the
 * events it causes in ONE single-document update, the events in an `outbox` array on the
 * aggregate's own document. The relay (outboxRelay.ts) publishes them and pulls them out. A
 * crash between the write and the publish leaves them in the array, so the relay publishes them
 * after a restart: duplicates are possible, loss is not. This module builds the update parts
 * only; it knows no database driver.
 *
 * The same write sets `outboxPending`, which the relay finds through an index and clears once
 * the outbox is empty: a relay that looked for non-empty arrays read every document of the
 * collection (one per user in auth) four times a second, 2 to 3 s per pass on FerretDB with
 * 20,000 users.
 */

/** One pending event, stored as its validated envelope so the database shows what will be sent. */
export interface OutboxEntry {
  readonly eventId: string;
  readonly event: CashTrackEvent;
  /**
   * The trace of the request that caused the event (W3C), when tracing is on: the relay
   * publishes the event in it, so the trace goes on through Kafka to every consumer.
   */
  readonly traceContext?: TraceCarrier;
}

/** What an aggregate document with an outbox carries. */
export interface WithOutbox {
  readonly outbox?: readonly OutboxEntry[];
  /** Present (true) while `outbox` may hold entries; the relay's index is on it. */
  readonly outboxPending?: true;
}

/** Validates the events (`INVALID_EVENT` otherwise) so an invalid one is never stored. */
function outboxEntries(events: readonly CashTrackEvent[]): OutboxEntry[] {
  const traceContext = activeTraceCarrier();
  return events.map((event) => {
    const valid = parseEvent(event);
    return traceContext === undefined
      ? { eventId: valid.eventId, event: valid }
      : { eventId: valid.eventId, event: valid, traceContext };
  });
}

/** A new aggregate document with its first events pending: pass the result to `insertOne`. */
export function documentWithOutbox<Document extends object>(
  document: Document,
  events: readonly CashTrackEvent[],
): Document & { outbox: OutboxEntry[]; outboxPending: true } {
  return { ...document, outbox: outboxEntries(events), outboxPending: true };
}

/**
 * Adds "append these events to the outbox" to an update of the aggregate document, e.g.
 * `updateOne({ _id, version: 3 }, withOutbox({ $set: { ...state, version: 4 } }, events))`.
 */
export function withOutbox<
  Update extends {
    readonly [operator: string]: unknown;
    readonly $push?: object;
    readonly $set?: object;
  },
>(
  update: Update,
  events: readonly CashTrackEvent[],
): Update & { $push: { outbox: { $each: OutboxEntry[] } }; $set: { outboxPending: true } } {
  return {
    ...update,
    $set: { ...update.$set, outboxPending: true },
    $push: { ...update.$push, outbox: { $each: outboxEntries(events) } },
  };
}
