import type { Db } from 'mongodb';
import type { Kafka } from 'kafkajs';
import { runEventConsumer, type EventConsumer } from '@cashtrack/events/kafka';
import { type PositionedEvent, type RetryPolicy } from '@cashtrack/events';
import { createLogger, type Logger } from '@cashtrack/platform';
import type { ProjectorMetrics } from '@cashtrack/platform/metrics';
import type { ReportExpenseChanges } from './expenseChanges.ts';
import {
  expenseReadModelProjections,
  prepareExpenseReadModels,
} from './expenseReadModelProjections.ts';
import { ProjectionGapError, topicsOf } from './readModelProjection.ts';
import { rebuildOutdatedReadModels } from './rebuildExpenseReadModels.ts';
import { measuredProjection } from './measuredProjection.ts';
import {
  epochNow,
  projectorStepsChannel,
  type ProjectorStepTimings,
} from './projectorStepTimings.ts';

/** The consumer group of every replica's projector: they share the partitions. */
const expenseProjectorGroupId = 'expense-projector';

/** Events handed to the projection at once, at most: one bulk write per read model each. */
const projectorBatchEvents = 1_000;

/** Partitions projected at once by one replica. */
const projectorConcurrentPartitions = 3;

export interface ExpenseProjection {
  /**
   * Applies consecutive events of one partition, in order, to every read model they concern and
   * reports the changes; idempotent, whichever way the events are split into batches.
   */
  projectBatch(events: readonly PositionedEvent[]): Promise<void>;
}

/**
 * The projector's steps for a batch: every read model judges the events first (their reads at
 * once), nothing is written if one of them finds a gap, then each writes in the order of
 * `expenseReadModelProjections`, while the changes go to the reporter, which logs and announces
 * them once everything is written.
 * A crash between the writes is healed by the redelivery: each write is idempotent.
 */
export function createExpenseProjection(
  db: Db,
  reportChanges: ReportExpenseChanges,
  knownBuckets?: number,
): ExpenseProjection {
  const readModels = expenseReadModelProjections(knownBuckets).map((projection) => ({
    name: projection.name,
    bound: projection.bind(db),
  }));
  return {
    async projectBatch(events) {
      const timed = projectorStepsChannel.hasSubscribers;
      const startedAt = timed ? epochNow() : 0;
      const planned = await Promise.all(readModels.map(({ bound }) => bound.plan(events)));
      planned.forEach(({ gaps: [gap] }, index) => {
        if (gap !== undefined) throw new ProjectionGapError(gap, readModels[index]?.name ?? '');
      });
      const plannedAt = timed ? epochNow() : 0;
      let writtenAt = 0;
      const written = (async () => {
        for (const writes of planned) await writes.commit();
        if (timed) writtenAt = epochNow();
      })();
      // One partition's events: their cursors sort as the events do.
      const changes = planned
        .flatMap((writes) => writes.changes)
        .sort((a, b) => a.cursor.localeCompare(b.cursor));
      // The reporter prepares while the writes run and logs the changes only after them.
      await Promise.all([
        written,
        changes.length > 0 ? reportChanges(changes, written) : undefined,
      ]);
      if (timed) {
        projectorStepsChannel.publish({
          eventIds: events.map(({ event }) => event.eventId),
          startedAt,
          plannedAt,
          writtenAt,
          reportedAt: epochNow(),
        } satisfies ProjectorStepTimings);
      }
    },
  };
}

export interface StartExpenseProjectorOptions {
  readonly kafka: Kafka;
  /** Where the read models live (`expenseServiceDB`). */
  readonly db: Db;
  /** Put in front of every topic and the group id (tests). Default ''. */
  readonly topicPrefix?: string;
  readonly reportChanges: ReportExpenseChanges;
  /** Default 30 000; tests use less so a stopped member's partitions move on quickly. */
  readonly sessionTimeoutMs?: number;
  /** Buckets remembered between batches (see `ExpenseConfig.projectorKnownBuckets`). */
  readonly knownBuckets?: number;
  readonly retry?: RetryPolicy;
  /** Default true: the consumer exits the process on a fatal error so it is restarted. */
  readonly exitOnFatal?: boolean;
  readonly logger?: Logger;
  /** Where batch sizes, projection delays and message-to-expense latencies go; default none. */
  readonly metrics?: ProjectorMetrics;
}

/**
 * Runs the projector in this process. First it rebuilds the read models the database holds at
 * an older version (readModelVersions.ts) and creates every index; then consumer group
 * `expense-projector` reads the read models' topics, a batch of each partition's fetched events
 * at a time, with the events consumer runner's retries and dead letters (a failing batch is
 * retried event by event).
 */
export async function startExpenseProjector(
  options: StartExpenseProjectorOptions,
): Promise<EventConsumer> {
  const prefix = options.topicPrefix ?? '';
  const log = options.logger ?? createLogger('expense-projector');
  const rebuilt = await rebuildOutdatedReadModels({
    kafka: options.kafka,
    db: options.db,
    topicPrefix: prefix,
    logger: log,
  });
  if (rebuilt.length > 0) log.info({ rebuilt }, 'read models of an older version rebuilt');
  await prepareExpenseReadModels(options.db);
  const projected = createExpenseProjection(
    options.db,
    options.reportChanges,
    options.knownBuckets,
  );
  const projection =
    options.metrics === undefined
      ? projected
      : measuredProjection(projected, options.db, options.metrics, log);
  const projections = expenseReadModelProjections();
  const consumer = await runEventConsumer({
    kafka: options.kafka,
    groupId: `${prefix}${expenseProjectorGroupId}`,
    topics: [...new Set(projections.flatMap((projection) => topicsOf(projection, prefix)))],
    handleBatch: (events) => projection.projectBatch(events),
    maxBatchEvents: projectorBatchEvents,
    // Partitions hold disjoint users, so their batches touch disjoint documents; overlapping
    // them keeps the database busy while another batch is decoded or fetched.
    partitionsConsumedConcurrently: projectorConcurrentPartitions,
    fromBeginning: true,
    ...(options.sessionTimeoutMs === undefined
      ? {}
      : { sessionTimeoutMs: options.sessionTimeoutMs }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    logger: log,
  });
  // Until the expense subgraph runs on the service runtime, which watches `done` itself.
  if (options.exitOnFatal ?? true) void consumer.done.catch(() => process.exit(1));
  return consumer;
}
