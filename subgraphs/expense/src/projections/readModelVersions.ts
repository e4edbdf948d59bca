import type { Db } from 'mongodb';
import type { ReadModelName } from '../readModels/readModelNames.ts';
import type { ReadModelProjection } from './readModelProjection.ts';

/** The version of a read model the database holds (`_id` = its name). */
interface ReadModelVersionDocument {
  readonly _id: ReadModelName;
  readonly version: number;
}

export const readModelVersionsCollectionName = 'readModelVersions';

/** What a read model's collection holds when no version was recorded: the first layout. */
const unrecordedVersion = 1;

/**
 * The read models the database holds at another version than `projections` define: a recorded
 * version that differs, or none recorded beside a collection of it (written before versions
 * were recorded, so version 1). A read model without any collection yet is new: nothing to
 * rebuild. The version of each read model not outdated is recorded if it was not.
 */
export async function outdatedReadModels(
  db: Db,
  projections: readonly ReadModelProjection[],
): Promise<ReadModelProjection[]> {
  const recorded = new Map(
    (await versionsIn(db).find({}).toArray()).map((entry) => [entry._id, entry.version]),
  );
  const existing = new Set(
    (await db.listCollections({}, { nameOnly: true }).toArray()).map((entry) => entry.name),
  );
  const outdated: ReadModelProjection[] = [];
  for (const projection of projections) {
    const held =
      recorded.get(projection.name) ??
      ([projection.name, ...projection.companions].some((name) => existing.has(name))
        ? unrecordedVersion
        : undefined);
    if (held !== undefined && held !== projection.version) outdated.push(projection);
    else if (!recorded.has(projection.name)) await recordReadModelVersion(db, projection);
  }
  return outdated;
}

/** Records that the database holds `projection` at its version (after a rebuild, say). */
export async function recordReadModelVersion(
  db: Db,
  projection: ReadModelProjection,
): Promise<void> {
  await versionsIn(db).updateOne(
    { _id: projection.name },
    { $set: { version: projection.version } },
    { upsert: true },
  );
}

function versionsIn(db: Db) {
  return db.collection<ReadModelVersionDocument>(readModelVersionsCollectionName);
}
