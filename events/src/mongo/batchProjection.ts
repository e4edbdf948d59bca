import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import { CodedError } from '@cashtrack/platform';
import type { CashTrackEvent } from '../eventCatalog.ts';
import {
  isDuplicateKey,
  stateOf,
  type Evolve,
  type ProjectionOutcome,
  type ReadModelDocument,
  type StoredDocument,
  versionOf,
} from './projection.ts';

/** What one event of a batch did to its aggregate's document (see `ProjectionOutcome`). */
export interface BatchEventResult<State extends Document> {
  readonly outcome: ProjectionOutcome;
  /** The document's version after this event (0 when there is no document). */
  readonly version: number;
  /** For `applied`: the state the event was applied to (null for the first); otherwise null. */
  readonly before: State | null;
  /** The document after this event; for an event that changed nothing, the document as it was. */
  readonly document: ReadModelDocument<State> | null;
}

/** A batch of events applied in memory, not yet written. */
export interface ReadModelBatch<State extends Document> {
  /** One per event, in the order given. */
  readonly results: readonly BatchEventResult<State>[];
  /** Whether some event is a `gap`; a caller usually throws before committing anything then. */
  readonly hasGap: boolean;
  /**
   * Writes each changed document once, at its last version: an insert for a new one, a
   * compare-and-set on the version read for the others. Throws `PROJECTION_CONFLICT` (nothing
   * to undo: every write is a whole document at a version the events define) when another
   * writer changed one of them meanwhile; handling the events again then judges them against
   * what that writer left.
   */
  commit(): Promise<void>;
}

/**
 * `applyToReadModel` for consecutive events of a partition: one read of every document they
 * touch, the events judged and evolved in memory in order (so several events of one aggregate
 * in a batch build on each other), then one bulk write at `commit`. The outcomes are those
 * `applyToReadModel` would give event by event, so a batch and its events one at a time, or a
 * redelivery split differently, leave the same documents.
 */
export async function planReadModelBatch<State extends Document, Event extends CashTrackEvent>(
  collection: Collection<ReadModelDocument<State>>,
  events: readonly Event[],
  evolve: Evolve<State, Event>,
): Promise<ReadModelBatch<State>> {
  // The driver's generic types cannot follow `State & {...}`; untyped inside, typed at the edge.
  const documents = collection as unknown as Collection<StoredDocument>;
  const ids = [...new Set(events.map((event) => event.aggregateId))];
  const stored = new Map<string, StoredDocument>();
  if (ids.length > 0) {
    // One reply for all of them, not the driver's first batch of 101 and then more.
    const found = await documents.find({ _id: { $in: ids } }, { batchSize: ids.length }).toArray();
    for (const document of found) {
      stored.set(document._id, document);
    }
  }
  const latest = new Map<string, StoredDocument>(stored);
  let hasGap = false;
  const results = events.map((event): BatchEventResult<State> => {
    const id = event.aggregateId;
    const version = event.aggregateVersion;
    const current = latest.get(id) ?? null;
    const have = versionOf(current);
    const unchanged = (outcome: ProjectionOutcome): BatchEventResult<State> => ({
      outcome,
      version: have,
      before: null,
      document: current as ReadModelDocument<State> | null,
    });
    if (have >= version) return unchanged(have === version ? 'duplicate' : 'older');
    if (have < version - 1) {
      hasGap = true;
      return unchanged('gap');
    }
    const before = current === null ? null : stateOf<State>(current);
    const next: Document = { ...evolve(before, event) };
    delete next._id;
    const document: StoredDocument = { ...next, _id: id, aggregateVersion: version };
    latest.set(id, document);
    return {
      outcome: 'applied',
      version,
      before,
      document: document as ReadModelDocument<State>,
    };
  });

  return {
    results,
    hasGap,
    async commit() {
      const writes: AnyBulkWriteOperation<StoredDocument>[] = [];
      for (const [id, document] of latest) {
        const original = stored.get(id);
        if (original === document) continue;
        if (original === undefined) {
          writes.push({ insertOne: { document } });
        } else {
          const replacement: Document = { ...document };
          delete replacement._id;
          writes.push({
            replaceOne: {
              filter: { _id: id, aggregateVersion: versionOf(original) },
              replacement,
            },
          });
        }
      }
      await writeAllOrConflict(
        documents,
        writes,
        `Another writer changed ${collection.collectionName} while a batch of ${events.length} events was applied`,
      );
    },
  };
}

/**
 * One unordered bulk write of compare-and-set writes (inserts, and updates filtered on what was
 * read) that must all land: when one of them missed (its filter no longer matched, or its `_id`
 * was taken meanwhile), throws `PROJECTION_CONFLICT` with `message`. The writes that did land
 * are whole states the events define, so handling the events again converges.
 */
export async function writeAllOrConflict<Schema extends Document>(
  collection: Collection<Schema>,
  writes: readonly AnyBulkWriteOperation<Schema>[],
  message: string,
): Promise<void> {
  if (writes.length === 0) return;
  let written: number;
  try {
    const result = await collection.bulkWrite([...writes], { ordered: false });
    written = result.insertedCount + result.matchedCount + result.upsertedCount;
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    written = -1;
  }
  if (written !== writes.length) {
    throw new CodedError('PROJECTION_CONFLICT', message, {
      collection: collection.collectionName,
      writes: writes.length,
    });
  }
}
