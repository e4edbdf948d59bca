import { randomUUID } from 'node:crypto';
import type { Collection, CollectionOptions, Db, Document } from 'mongodb';
import type { Kafka } from 'kafkajs';
import { CodedError, createLogger, errorMessage, type Logger } from '@cashtrack/platform';
import { decodeEvent } from '../codec.ts';
import type { PositionedEvent } from '../delivery/eventHandling.ts';
import type { CashTrackEvent } from '../eventCatalog.ts';

/** How the rebuild applies events: one at a time, or each fetched batch of a partition at once. */
export type RebuildProjection<Schema extends Document> =
  | {
      /**
       * Applies one event to the read model in `collection`, idempotently (typically
       * `applyToReadModel`). Called for every event in each partition's order; events the read
       * model does not care about should simply be ignored. An error aborts the rebuild.
       */
      readonly project: (
        event: CashTrackEvent,
        collection: Collection<Schema>,
        database: RebuildDatabase,
      ) => Promise<void>;
      readonly projectBatch?: never;
    }
  | {
      /** The same for consecutive events of one partition, in order (bulk writes). */
      readonly projectBatch: (
        events: readonly PositionedEvent[],
        collection: Collection<Schema>,
        database: RebuildDatabase,
      ) => Promise<void>;
      readonly project?: never;
    };

/**
 * The database as a rebuild sees it: the read model's collection and its companions, named by
 * their live names, are the copies being built until the swap and the live ones after it.
 */
export type RebuildDatabase = Pick<Db, 'collection'>;

export type RebuildReadModelOptions<Schema extends Document = Document> =
  RebuildProjection<Schema> & RebuildSettings<Schema>;

export interface RebuildSettings<Schema extends Document> {
  readonly kafka: Kafka;
  readonly db: Db;
  /** The live read model collection; replaced by the rebuilt one at the end. */
  readonly collectionName: string;
  /**
   * Other collections of the same read model (written from the same events), built beside it
   * and renamed over their live names just before it, in this order: a live projector that reads
   * the main collection to write a companion then never counts a change only in a companion's
   * old copy. Default none.
   */
  readonly companionCollections?: readonly string[];
  /** Full topic names (with any prefix) the read model is built from. */
  readonly topics: readonly string[];
  /** Creates indexes on the fresh collection before the first event. */
  readonly prepare?: (collection: Collection<Schema>, database: RebuildDatabase) => Promise<void>;
  /** Prefix of the throw-away consumer group (tests pass their topic prefix). Default ''. */
  readonly groupIdPrefix?: string;
  /** Default 10 000: the group is private, so a short session costs nothing. */
  readonly sessionTimeoutMs?: number;
  readonly logger?: Logger;
}

export interface RebuildResult {
  /** Events passed to `project`. */
  readonly projected: number;
  /** Messages that were not valid events, skipped (live consumers dead-letter them). */
  readonly skipped: number;
}

type Targets = Map<string, number>;

/**
 * Rebuilds a read model from offset 0 into a fresh collection and swaps it in:
 * 1. captures the end offsets of `topics` at the start;
 * 2. consumes from the beginning with a private consumer group into `<name>__rebuild_<id>`;
 * 3. once caught up to those offsets, renames it over the live collection;
 * 4. goes on into the (now live) collection up to the end offsets taken right after the swap,
 *    so an event a live projector wrote into the old collection during the rebuild is not lost
 *    (it is applied again; projections are idempotent), then deletes its group.
 * Live projectors may keep running, but until step 4 ends they can meet `gap` outcomes, which
 * their retries ride out.
 */
export async function rebuildReadModel<Schema extends Document = Document>(
  options: RebuildReadModelOptions<Schema>,
): Promise<RebuildResult> {
  const { kafka, db, collectionName, groupIdPrefix = '' } = options;
  const projectBatch = batchProjectionOf(options);
  const log = options.logger ?? createLogger('read-model-rebuild');
  const rebuildId = Date.now().toString(36);
  const temporaryNameOf = (name: string): string => `${name}__rebuild_${rebuildId}`;
  const temporaryName = temporaryNameOf(collectionName);
  const companions = options.companionCollections ?? [];
  const groupId = `${groupIdPrefix}rebuild-${collectionName}-${randomUUID()}`;
  const admin = kafka.admin();
  await admin.connect();

  let target: Collection<Schema> = db.collection<Schema>(temporaryName);
  let swapped = false;
  const database: RebuildDatabase = {
    collection: <Companion extends Document>(name: string, settings?: CollectionOptions) =>
      db.collection<Companion>(
        swapped || (name !== collectionName && !companions.includes(name))
          ? name
          : temporaryNameOf(name),
        settings,
      ),
  };
  let projected = 0;
  let skipped = 0;
  const next = new Map<string, number>();

  const endOffsets = async (): Promise<Targets> => {
    const targets: Targets = new Map();
    for (const topic of options.topics) {
      for (const partition of await admin.fetchTopicOffsets(topic)) {
        const key = `${topic}:${partition.partition}`;
        targets.set(key, Number(partition.high));
        // A partition with nothing (left) to read counts as caught up from the start.
        if (!next.has(key)) next.set(key, Number(partition.low));
      }
    }
    return targets;
  };
  const caughtUp = (targets: Targets): boolean =>
    [...targets].every(([key, end]) => (next.get(key) ?? 0) >= end);

  const swap = async (): Promise<void> => {
    for (const name of companions) await renameOver(db, temporaryNameOf(name), name);
    await renameOver(db, temporaryName, collectionName);
    swapped = true;
    target = db.collection<Schema>(collectionName);
    log.info({ collectionName, projected }, 'rebuilt read model swapped in');
  };

  try {
    for (const name of [collectionName, ...companions]) {
      await db
        .collection(temporaryNameOf(name))
        .drop()
        .catch(() => undefined);
      await db.createCollection(temporaryNameOf(name));
    }
    await options.prepare?.(target, database);
    let targets = await endOffsets();
    if (caughtUp(targets)) {
      await swap();
      return { projected, skipped };
    }

    const consumer = kafka.consumer({
      groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 500,
      allowAutoTopicCreation: false,
    });
    let finish: { resolve: () => void; reject: (error: unknown) => void } | undefined;
    const finished = new Promise<void>((resolve, reject) => {
      finish = { resolve, reject };
    });
    let over = false;
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [...options.topics], fromBeginning: true });
      await consumer.run({
        eachBatch: async (payload) => {
          const { batch } = payload;
          if (over) return;
          try {
            const events: PositionedEvent[] = [];
            for (const message of batch.messages) {
              try {
                events.push({
                  event: decodeEvent(message),
                  partition: batch.partition,
                  offset: message.offset,
                });
              } catch (error) {
                skipped += 1;
                log.warn(
                  { topic: batch.topic, offset: message.offset, error: errorMessage(error) },
                  'skipped a message that is not a valid event',
                );
              }
            }
            await projectBatch(events, target, database);
            projected += events.length;
            const last = batch.messages.at(-1);
            if (last !== undefined) {
              next.set(`${batch.topic}:${batch.partition}`, Number(last.offset) + 1);
              payload.resolveOffset(last.offset);
            }
            await payload.heartbeat();
            if (!swapped && caughtUp(targets)) {
              await swap();
              targets = await endOffsets();
            }
            if (swapped && caughtUp(targets)) {
              over = true;
              finish?.resolve();
            }
          } catch (error) {
            over = true;
            finish?.reject(error);
          }
        },
      });
      await finished;
    } finally {
      await consumer.disconnect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
    return { projected, skipped };
  } catch (error) {
    if (!swapped) {
      for (const name of [collectionName, ...companions]) {
        await db
          .collection(temporaryNameOf(name))
          .drop()
          .catch(() => undefined);
      }
    }
    throw new CodedError(
      'REBUILD_FAILED',
      `Rebuilding ${collectionName} failed: ${errorMessage(error)}`,
      {
        collectionName,
        projected,
      },
      { cause: error },
    );
  } finally {
    await admin.disconnect();
  }
}

function batchProjectionOf<Schema extends Document>(
  projection: RebuildProjection<Schema>,
): (
  events: readonly PositionedEvent[],
  collection: Collection<Schema>,
  database: RebuildDatabase,
) => Promise<void> {
  if (projection.projectBatch !== undefined) return projection.projectBatch;
  const { project } = projection;
  return async (events, collection, database) => {
    for (const { event } of events) await project(event, collection, database);
  };
}

/**
 * `rename(..., { dropTarget: true })` replaces the target in one step on MongoDB. FerretDB 1.24
 * answers NotImplemented (code 238) for `dropTarget`, so there the target is dropped first and
 * the read model is briefly missing: readers see an empty result for that moment, never a mix.
 */
async function renameOver(db: Db, from: string, to: string): Promise<void> {
  try {
    await db.collection(from).rename(to, { dropTarget: true });
  } catch (error) {
    if ((error as { code?: unknown }).code !== 238) throw error;
    await db
      .collection(to)
      .drop()
      .catch(() => undefined);
    await db.collection(from).rename(to);
  }
}
