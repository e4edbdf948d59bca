import type { Db } from 'mongodb';
import type { Kafka } from 'kafkajs';
import { rebuildReadModel, type RebuildResult } from '@cashtrack/events/kafka';
import { createLogger, type Logger } from '@cashtrack/platform';
import type { ReadModelName } from '../readModels/readModelNames.ts';
import { expenseReadModelProjections } from './expenseReadModelProjections.ts';
import {
  topicsOf,
  type BoundReadModel,
  type ReadModelDatabase,
  type ReadModelProjection,
} from './readModelProjection.ts';
import { outdatedReadModels, recordReadModelVersion } from './readModelVersions.ts';

export interface RebuildExpenseReadModelsOptions {
  readonly kafka: Kafka;
  readonly db: Db;
  /** Topic prefix (tests); also prefixes the throw-away consumer groups. Default ''. */
  readonly topicPrefix?: string;
  /** Default every read model; naming a companion (`spendingTotals`) rebuilds its owner. */
  readonly only?: readonly ReadModelName[];
  readonly logger?: Logger;
}

/**
 * `npm run replay:expenses`: rebuilds each read model of the expense service from offset 0 into
 * fresh collections and swaps them in, one read model after the other, with the events replay
 * helper, and records the version rebuilt. Each read model is self-contained, so each can be
 * rebuilt alone. The live projector may keep running meanwhile.
 *
 * A `gap` (an event whose predecessor never arrived, which the live projector dead-letters
 * after its retries) is skipped with a warning here, as the live model skipped it too.
 */
export async function rebuildExpenseReadModels(
  options: RebuildExpenseReadModelsOptions,
): Promise<Record<string, RebuildResult>> {
  const log = options.logger ?? createLogger('expense-replay');
  const prefix = options.topicPrefix ?? '';
  const results: Record<string, RebuildResult> = {};
  for (const projection of expenseReadModelProjections()) {
    const names = [projection.name, ...projection.companions];
    if (options.only !== undefined && !names.some((name) => options.only?.includes(name))) {
      continue;
    }
    const started = Date.now();
    // Bound again when the rebuild swaps its collections in and goes on in the live ones.
    let bound: { readonly to: string; readonly model: BoundReadModel } | undefined;
    const boundTo = (collectionName: string, database: ReadModelDatabase): BoundReadModel => {
      if (bound?.to !== collectionName) {
        bound = { to: collectionName, model: projection.bind(database) };
      }
      return bound.model;
    };
    results[projection.name] = await rebuildReadModel({
      kafka: options.kafka,
      db: options.db,
      collectionName: projection.name,
      companionCollections: projection.companions,
      topics: topicsOf(projection, prefix),
      prepare: (collection, database) => boundTo(collection.collectionName, database).prepare(),
      projectBatch: async (events, collection, database) => {
        const planned = await boundTo(collection.collectionName, database).plan(events);
        for (const { event, have } of planned.gaps) {
          log.warn(
            { readModel: projection.name, eventId: event.eventId, have },
            'skipped an event whose predecessor is missing',
          );
        }
        await planned.commit();
      },
      groupIdPrefix: prefix,
      logger: log,
    });
    await recordReadModelVersion(options.db, projection);
    log.info(
      { readModel: projection.name, ...results[projection.name], durationMs: Date.now() - started },
      'read model rebuilt',
    );
  }
  return results;
}

/**
 * Rebuilds, before anything is projected, the read models whose documents the database holds
 * at another version than their definition (see readModelVersions.ts): how a deployment moves
 * to a new layout. Answers the names of those rebuilt.
 */
export async function rebuildOutdatedReadModels(
  options: Omit<RebuildExpenseReadModelsOptions, 'only'>,
): Promise<ReadModelName[]> {
  const outdated = (await outdatedReadModels(options.db, expenseReadModelProjections())).map(
    (projection: ReadModelProjection) => projection.name,
  );
  if (outdated.length > 0) await rebuildExpenseReadModels({ ...options, only: outdated });
  return outdated;
}
