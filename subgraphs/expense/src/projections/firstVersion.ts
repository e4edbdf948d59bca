import type { Collection, Document } from 'mongodb';
import {
  isDuplicateKey,
  type CashTrackEvent,
  type Evolve,
  type ProjectionResult,
  type ReadModelDocument,
} from '@cashtrack/events';

/**
 * The projector's fast path for an aggregate's first event: one insert instead of
 * `applyToReadModel`'s read and insert. `applyToReadModel` would find no document and insert the
 * same one, so when the insert succeeds the outcome is the same, `applied`. When the document
 * already exists (a redelivery, a replay over live data, a racing replica) the insert fails on
 * its `_id` and nothing was written: answers `undefined`, and the caller goes the usual way,
 * which reads the document and judges the event against it. Other events: `undefined` at once.
 */
export async function insertFirstVersion<State extends Document, Event extends CashTrackEvent>(
  collection: Collection<ReadModelDocument<State>>,
  event: Event,
  evolve: Evolve<State, Event>,
): Promise<ProjectionResult | undefined> {
  if (event.aggregateVersion !== 1) return undefined;
  // The driver's generic types cannot follow `State & {...}`; untyped inside, typed at the edge.
  const documents = collection as unknown as Collection<StoredDocument>;
  const next: Document = { ...evolve(null, event) };
  delete next._id;
  try {
    await documents.insertOne({ ...next, _id: event.aggregateId, aggregateVersion: 1 });
    return { outcome: 'applied', version: 1 };
  } catch (error) {
    if (isDuplicateKey(error)) return undefined;
    throw error;
  }
}

interface StoredDocument extends Document {
  _id: string;
}
