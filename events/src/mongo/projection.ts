import type { Collection, Document } from 'mongodb';
import { CodedError } from '@cashtrack/platform';
import type { CashTrackEvent } from '../eventCatalog.ts';

/**
 * Idempotent read models: one document per aggregate (`_id` = aggregateId) that records the
 * `aggregateVersion` of the last event applied, changed in the same single-document write as the
 * state. That makes redelivery, duplicates from the outbox and whole replays harmless, without
 * transactions (which FerretDB lacks).
 */

/** A read model document: the projected state plus `_id` and the version applied last. */
export type ReadModelDocument<State extends Document> = State & {
  readonly _id: string;
  readonly aggregateVersion: number;
};

/**
 * The read model's evolve: the state after `event`, given the state before (`null` for the first
 * event of the aggregate). Pure. To "delete", return a tombstone state (e.g. `deleted: true`):
 * removing the document would let a redelivered older event bring it back.
 */
export type Evolve<State extends Document, Event extends CashTrackEvent> = (
  current: State | null,
  event: Event,
) => State;

/**
 * - `applied`: the event was the next version (or created the document at version 1);
 * - `duplicate`: this version was applied before; nothing changed;
 * - `older`: a later version is already applied; nothing changed;
 * - `gap`: an earlier version is missing, so applying it would skip history; nothing changed.
 *   In Kafka order this means an event was lost or dead-lettered; handlers usually throw so the
 *   event is retried and then dead-lettered where someone sees it.
 */
export type ProjectionOutcome = 'applied' | 'duplicate' | 'older' | 'gap';

export interface ProjectionResult {
  readonly outcome: ProjectionOutcome;
  /** The document's `aggregateVersion` after the call (0 when there is no document). */
  readonly version: number;
}

/** Concurrent appliers of one aggregate retry their compare-and-set at most this often. */
const maxConflicts = 10;

/**
 * Applies `event` to the document of its aggregate in `collection` if, and only if, it is the
 * next `aggregateVersion`. The write is a compare-and-set on `{_id, aggregateVersion}`, so two
 * replicas applying the same event cannot both succeed.
 */
export async function applyToReadModel<State extends Document, Event extends CashTrackEvent>(
  collection: Collection<ReadModelDocument<State>>,
  event: Event,
  evolve: Evolve<State, Event>,
): Promise<ProjectionResult> {
  // The driver's generic update types cannot follow `State & {...}`; this adapter stays untyped
  // inside and typed at its edge.
  const documents = collection as unknown as Collection<StoredDocument>;
  const id = event.aggregateId;
  const version = event.aggregateVersion;
  for (let conflict = 0; conflict < maxConflicts; conflict += 1) {
    const current = await documents.findOne({ _id: id });
    const have = versionOf(current);
    if (have >= version)
      return { outcome: have === version ? 'duplicate' : 'older', version: have };
    if (have < version - 1) return { outcome: 'gap', version: have };
    const next = { ...evolve(current === null ? null : stateOf<State>(current), event) };
    delete next._id;
    if (current === null) {
      try {
        await documents.insertOne({ ...next, _id: id, aggregateVersion: version });
        return { outcome: 'applied', version };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        continue; // someone created it first: read again and judge against theirs
      }
    }
    const result = await documents.replaceOne(
      { _id: id, aggregateVersion: have },
      { ...next, aggregateVersion: version },
    );
    if (result.matchedCount === 1) return { outcome: 'applied', version };
  }
  throw new CodedError(
    'PROJECTION_CONFLICT',
    `Gave up applying ${event.type} ${event.eventId} after ${maxConflicts} concurrent changes`,
    { aggregateId: id, aggregateVersion: version },
  );
}

/** A read model document as stored, before its state is split from `_id` and the version. */
export interface StoredDocument extends Document {
  _id: string;
  aggregateVersion?: number;
}

/** The version a stored document has reached; 0 when there is none. */
export function versionOf(document: StoredDocument | null | undefined): number {
  return typeof document?.aggregateVersion === 'number' ? document.aggregateVersion : 0;
}

/** The projected state of a stored document, without `_id` and `aggregateVersion`. */
export function stateOf<State extends Document>(document: StoredDocument): State {
  const state: Document = { ...document };
  delete state._id;
  delete state.aggregateVersion;
  return state as State;
}

/** MongoDB and FerretDB both report a unique-index violation as code 11000. */
export function isDuplicateKey(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000
  );
}
