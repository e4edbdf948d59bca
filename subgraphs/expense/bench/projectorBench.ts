/**
 * `npm run bench:projector`: the expense projector against its limit, on the real broker and
 * MongoDB-protocol server.
 *
 * 1. `BENCH_PROJECTOR_EVENTS` (default 200,000) `ExpenseRecorded` events; half of them belong
 *    to one heavy user, the rest to 1,000 others, dated over the last three years, interleaved
 *    as a live topic would hold them.
 * 2. The projector (`startExpenseProjector`: the events consumer runner and the subgraph's
 *    read model definitions, every read model) projects them into a fresh database; changes
 *    are reported to a counter, not to the subscriptions change log.
 * 3. The limit: the same `expenses` documents bulk-upserted straight into a collection with the
 *    same indexes in the same database (`bulkWrite` of 1,000 upserting `replaceOne`s, unordered).
 *    Projector and limit go side by side: the events are cut into `BENCH_PROJECTOR_SLICES`
 *    (default 40) slices after a warm-up slice of `BENCH_PROJECTOR_WARMUP_EVENTS` (default
 *    3,000; the group join, not counted), each published in one Kafka transaction so the
 *    projector sees it at once at the commit, projected, then bulk-upserted (the limit first
 *    every other slice). Both sides so see the same database, grown as far, and the same spell
 *    of whatever else the machine does; run one after the other (as before), a CPU-bound side
 *    and a commit-bound side met different spells and the ratio spread 0.42-1.27. Each side's
 *    commands are counted by the driver's command monitoring: calls, write statements and time
 *    per collection and command, per 1,000 events.
 * 4. The `expenses` list query (`queryExpenses`, the function behind the GraphQL field, without
 *    HTTP) for the heavy user holding `BENCH_PROJECTOR_LIST_USER_EXPENSES` (default 100,000)
 *    expenses: pages of 20 walked with cursors, then the same for one category. When fewer
 *    events were projected, the heavy user's `expenses` documents are topped up to that count
 *    with documents built by the projection's own evolve, inserted directly.
 *
 * Figures are printed as they come; log lines go to stderr; the last stdout line is one JSON
 * object. The database and topics are dropped at the end (`BENCH_KEEP=1` keeps them).
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { MongoClient, type AnyBulkWriteOperation } from 'mongodb';
import { categories, newEvent, topicNames, type EventOfType } from '@cashtrack/events';
import { ensureTopics } from '@cashtrack/events/kafka';
import { createLogger, envInt, envList, waitFor } from '@cashtrack/platform';
import type { ReportExpenseChanges } from '../src/projections/expenseChanges.ts';
import { timeCommands, type CommandWindow } from './commandTimings.ts';
import { connectSliceProducer } from './sliceProducer.ts';
import { startExpenseProjector } from '../src/projections/expenseProjector.ts';
import { evolveExpenseRecord } from '../src/projections/expensesProjection.ts';
import { queryExpenses } from '../src/queries/expensesQuery.ts';
import {
  prepareExpenses,
  type ExpenseDocument,
  type ExpensesCollection,
} from '../src/readModels/expensesReadModel.ts';
import { expenseReadModels } from '../src/readModels/readModels.ts';

const total = envInt('BENCH_PROJECTOR_EVENTS', 200_000);
const heavyCount = Math.ceil(total / 2);
/** The heavy user's expenses when the list is timed. */
const listUserExpenses = envInt('BENCH_PROJECTOR_LIST_USER_EXPENSES', 100_000);
/**
 * List queries timed per shape. Few by default: on FerretDB 1.24 with SQLite a list query scans
 * the collection (no filter, sort or limit pushdown), seconds per page at 100,000 expenses.
 */
const listQueries = envInt('BENCH_PROJECTOR_LIST_QUERIES', 20);
const otherUsers = 1_000;
const heavyUser = 'bench-heavy-user';
const chunk = 1_000;
/** Slices the counted events are projected and upserted in, alternately. */
const sliceCount = envInt('BENCH_PROJECTOR_SLICES', 40);
/** Events projected and upserted before the clock starts. */
const warmupEvents = Math.min(
  envInt('BENCH_PROJECTOR_WARMUP_EVENTS', 3_000),
  Math.floor(total / 10),
);
const mongoUrl = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017';
const keep = process.env.BENCH_KEEP === '1';
const kafka = new Kafka({
  clientId: 'projector-bench',
  brokers: envList('KAFKA_BROKERS', ['127.0.0.1:9092']),
  logLevel: logLevel.ERROR,
});
const log = createLogger('projector-bench', 'stderr');
const runId = Date.now().toString(36);
const prefix = `bench-${runId}-`;
const database = `projectorBench_${runId}`;

type Recorded = EventOfType<'ExpenseRecorded'>;

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function perSecond(count: number, ms: number): number {
  return Math.round((count / ms) * 1_000);
}

function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

/** Dates over the three years before 2026-11-24, so buckets are months of a realistic spread. */
function dayOf(index: number): string {
  const day = new Date(Date.UTC(2026, 10, 24) - (index % 1_095) * 86_400_000);
  return day.toISOString().slice(0, 10);
}

function makeEvents(count = total, first = 0): Recorded[] {
  const now = new Date('2026-11-24T10:00:00Z');
  return Array.from({ length: count }, (_, offset) => {
    const index = first + offset;
    const userId = index < heavyCount || first > 0 ? heavyUser : `bench-user-${index % otherUsers}`;
    return newEvent<'ExpenseRecorded'>({
      type: 'ExpenseRecorded',
      userId,
      aggregateId: randomUUID(),
      aggregateVersion: 1,
      payload: {
        amountMinor: 100 + (index % 10_000),
        currency: 'USD',
        category: categories[index % categories.length] ?? 'other',
        description: `bench expense ${index}`,
        occurredOn: dayOf(index * 7),
        source: 'MANUAL',
        origin: null,
      },
      correlationId: randomUUID(),
      now,
    });
  });
}

/** Interleaves the heavy user's events with the others', as a live topic would hold them. */
function interleaved(events: readonly Recorded[]): Recorded[] {
  const heavy = events.slice(0, heavyCount);
  const rest = events.slice(heavyCount);
  const mixed: Recorded[] = [];
  for (let index = 0; index < Math.max(heavy.length, rest.length); index += 1) {
    const a = heavy[index];
    const b = rest[index];
    if (a !== undefined) mixed.push(a);
    if (b !== undefined) mixed.push(b);
  }
  return mixed;
}

interface Slice {
  readonly events: number;
  /** From the commit making the slice visible to the last of its changes reported. */
  readonly projectorMs: number;
  /** Of that, until the projector's first database command: Kafka's fetch, the decoding. */
  readonly projectorWakeMs: number;
  readonly limitMs: number;
  readonly projector: CommandWindow;
  readonly limit: CommandWindow;
}

interface Projector {
  /** Publishes the slice in one transaction and waits until all of it is projected. */
  project(
    slice: readonly Recorded[],
  ): Promise<{ ms: number; wakeMs: number; window: CommandWindow }>;
  stop(): Promise<void>;
}

/** The projector (`startExpenseProjector`) on its own client, fed one slice at a time. */
async function startProjector(client: MongoClient): Promise<Projector> {
  const timings = timeCommands(client);
  const slices = await connectSliceProducer(kafka, prefix);
  let seen = 0;
  let lastReportAt = 0;
  // Counted once the read models have them, as the change log would be written.
  const reportChanges: ReportExpenseChanges = async (changes, readModelsWritten) => {
    await readModelsWritten;
    seen += changes.filter((change) => change.kind === 'ADDED').length;
    lastReportAt = performance.now();
  };
  const consumer = await startExpenseProjector({
    kafka,
    db: client.db(database),
    topicPrefix: prefix,
    reportChanges,
    exitOnFatal: false,
    logger: log,
  });
  return {
    async project(slice) {
      const want = seen + slice.length;
      await slices.publishSlice(slice);
      timings.reset();
      const visibleAt = performance.now();
      await waitFor(() => seen >= want, {
        timeoutMs: 3_600_000,
        intervalMs: 5,
        maxIntervalMs: 50,
        description: `${slice.length} events projected`,
      });
      const window = timings.take();
      const stats = consumer.stats();
      if (stats.deadLettered > 0)
        throw new Error(`${stats.deadLettered} events were dead-lettered`);
      return {
        ms: lastReportAt - visibleAt,
        wakeMs: (window.firstStartedAt ?? visibleAt) - visibleAt,
        window,
      };
    },
    async stop() {
      await consumer.stop();
      await slices.disconnect();
    },
  };
}

function documentOf(event: Recorded): ExpenseDocument {
  return {
    ...evolveExpenseRecord(null, event),
    _id: event.aggregateId,
    aggregateVersion: event.aggregateVersion,
  };
}

/** The limit: the slice's expense documents bulk-upserted straight into `expensesLimit`. */
function bulkUpserter(client: MongoClient): {
  upsert(slice: readonly Recorded[]): Promise<{ ms: number; window: CommandWindow }>;
} {
  const timings = timeCommands(client);
  const limit = client.db(database).collection('expensesLimit') as unknown as ExpensesCollection;
  let prepared = false;
  return {
    async upsert(slice) {
      if (!prepared) {
        await prepareExpenses(limit);
        prepared = true;
      }
      const documents = slice.map(documentOf);
      timings.reset();
      const started = performance.now();
      for (let start = 0; start < documents.length; start += chunk) {
        const operations: AnyBulkWriteOperation<ExpenseDocument>[] = documents
          .slice(start, start + chunk)
          .map((document) => ({
            replaceOne: { filter: { _id: document._id }, replacement: document, upsert: true },
          }));
        await limit.bulkWrite(operations, { ordered: false });
      }
      return { ms: performance.now() - started, window: timings.take() };
    },
  };
}

/**
 * Projector and limit side by side: the events go in slices, and each slice is projected and
 * bulk-upserted one after the other (which first alternates), so both see the same database,
 * grown as far, and the same spell of whatever else the machine is doing. A warm-up slice
 * (the group join, first compilation) is done by both and not counted.
 */
async function projectAndUpsertInSlices(
  projectorClient: MongoClient,
  limitClient: MongoClient,
  events: readonly Recorded[],
): Promise<Slice[]> {
  const ordered = interleaved(events);
  const projector = await startProjector(projectorClient);
  const limit = bulkUpserter(limitClient);
  const warm = ordered.slice(0, warmupEvents);
  try {
    await projector.project(warm);
    await limit.upsert(warm);
    say(`warm-up: ${warm.length} events projected and upserted, not counted`);
    const rest = ordered.slice(warmupEvents);
    const size = Math.ceil(rest.length / sliceCount);
    const slices: Slice[] = [];
    for (let index = 0; index * size < rest.length; index += 1) {
      const slice = rest.slice(index * size, (index + 1) * size);
      const limitFirst = index % 2 === 1;
      const before = limitFirst ? await limit.upsert(slice) : undefined;
      const projected = await projector.project(slice);
      const upserted = before ?? (await limit.upsert(slice));
      slices.push({
        events: slice.length,
        projectorMs: projected.ms,
        projectorWakeMs: projected.wakeMs,
        limitMs: upserted.ms,
        projector: projected.window,
        limit: upserted.window,
      });
      say(
        `  slice ${index + 1}: ${slice.length} events, projector ${perSecond(slice.length, projected.ms)}/s, limit ${perSecond(slice.length, upserted.ms)}/s, ratio ${round(upserted.ms / projected.ms, 3)}${limitFirst ? ' (limit first)' : ''}`,
      );
    }
    const stored = await limitClient.db(database).collection('expensesLimit').countDocuments({});
    if (stored !== events.length) throw new Error(`bulk upsert stored ${stored} documents`);
    return slices;
  } finally {
    await projector.stop();
  }
}

/** The slices' command windows summed per phase, per 1,000 events. */
function phasesPerThousand(
  windows: readonly CommandWindow[],
  events: number,
): Record<string, { calls: number; statements: number; ms: number }> {
  const sums = new Map<string, { calls: number; statements: number; ms: number }>();
  for (const phase of windows.flatMap((window) => window.phases)) {
    const sum = sums.get(phase.phase) ?? { calls: 0, statements: 0, ms: 0 };
    sum.calls += phase.calls;
    sum.statements += phase.statements;
    sum.ms += phase.totalMs;
    sums.set(phase.phase, sum);
  }
  const per = 1_000 / events;
  return Object.fromEntries(
    [...sums]
      .sort(([, a], [, b]) => b.ms - a.ms)
      .map(([phase, sum]) => [
        phase,
        {
          calls: round(sum.calls * per, 1),
          statements: round(sum.statements * per, 1),
          ms: round(sum.ms * per, 1),
        },
      ]),
  );
}

interface Latency {
  readonly p50: number;
  readonly p95: number;
  readonly pages: number;
}

/** Inserts heavy-user expenses, as the projection would have made them, up to `listUserExpenses`. */
async function topUpHeavyUser(client: MongoClient): Promise<number> {
  const expenses = client.db(database).collection('expenses') as unknown as ExpensesCollection;
  const have = await expenses.countDocuments({ userId: heavyUser, deleted: false });
  const missing = Math.max(0, listUserExpenses - have);
  for (let start = 0; start < missing; start += chunk) {
    const documents: ExpenseDocument[] = makeEvents(
      Math.min(chunk, missing - start),
      total + start,
    ).map(documentOf);
    await expenses.insertMany(documents, { ordered: false });
  }
  return missing;
}

/** Walks the heavy user's list in pages of 20 with cursors, timing each page. */
async function listLatency(
  client: MongoClient,
  filter: { category?: string } | undefined,
): Promise<Latency> {
  const models = expenseReadModels(client.db(database));
  const timings: number[] = [];
  let after: string | undefined;
  for (let page = 0; page < listQueries; page += 1) {
    const started = performance.now();
    const connection = await queryExpenses(models, heavyUser, {
      first: 20,
      ...(filter === undefined ? {} : { filter }),
      ...(after === undefined ? {} : { after }),
    });
    timings.push(performance.now() - started);
    if (connection.edges.length === 0) throw new Error('the heavy user has no expenses listed');
    after = connection.pageInfo.hasNextPage
      ? (connection.pageInfo.endCursor ?? undefined)
      : undefined;
  }
  timings.sort((a, b) => a - b);
  return {
    p50: round(percentile(timings, 50)),
    p95: round(percentile(timings, 95)),
    pages: timings.length,
  };
}

async function main(): Promise<void> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  const client = await MongoClient.connect(mongoUrl);
  // Each side on a client of its own, so their commands are told apart.
  const projectorClient = await MongoClient.connect(mongoUrl, { monitorCommands: true });
  const limitClient = await MongoClient.connect(mongoUrl, { monitorCommands: true });
  try {
    await ensureTopics(admin, { prefix });
    say(
      `projector bench: ${total} ExpenseRecorded events (${heavyCount} of one user, the rest of ${otherUsers}), topic ${topicNames(prefix).expenses}, database ${database}`,
    );
    const events = makeEvents();
    const slices = await projectAndUpsertInSlices(projectorClient, limitClient, events);
    const counted = slices.reduce((sum, slice) => sum + slice.events, 0);
    const projectorMs = slices.reduce((sum, slice) => sum + slice.projectorMs, 0);
    const limitMs = slices.reduce((sum, slice) => sum + slice.limitMs, 0);
    const eventsPerSec = perSecond(counted, projectorMs);
    const limitPerSec = perSecond(counted, limitMs);
    const ratio = round(limitMs / projectorMs, 3);
    const sliceRatios = slices.map((slice) => round(slice.limitMs / slice.projectorMs, 3));
    const projectorPhases = phasesPerThousand(
      slices.map((slice) => slice.projector),
      counted,
    );
    const limitPhases = phasesPerThousand(
      slices.map((slice) => slice.limit),
      counted,
    );
    const perThousand = (ms: number): number => round((ms * 1_000) / counted, 1);
    const projectorDatabaseMs = perThousand(
      slices.reduce((sum, slice) => sum + slice.projector.databaseBusyMs, 0),
    );
    const projectorWakeMs = perThousand(
      slices.reduce((sum, slice) => sum + slice.projectorWakeMs, 0),
    );
    const limitDatabaseMs = perThousand(
      slices.reduce((sum, slice) => sum + slice.limit.databaseBusyMs, 0),
    );
    say(`projector (runner, totals, expenses, every round trip): ${eventsPerSec} events/s`);
    say(`limit (bulk upsert of the same expense documents, 1,000 per call): ${limitPerSec}/s`);
    say(
      `ratio projector / limit: ${ratio} (goal >= 0.7); per slice ${Math.min(...sliceRatios)} to ${Math.max(...sliceRatios)}`,
    );
    say(
      `where the time goes, per 1,000 events: projector ${perThousand(projectorMs)} ms wall, ${projectorDatabaseMs} ms with a command in flight, ${projectorWakeMs} ms before its first command (Kafka fetch, decoding); limit ${perThousand(limitMs)} ms wall, ${limitDatabaseMs} ms with a command in flight`,
    );
    for (const [name, phases] of [
      ['projector', projectorPhases],
      ['limit', limitPhases],
    ] as const) {
      for (const [phase, figures] of Object.entries(phases)) {
        say(
          `  ${name} ${phase}: ${figures.calls} calls, ${figures.statements} write statements, ${figures.ms} ms summed`,
        );
      }
    }

    const toppedUp = await topUpHeavyUser(client);
    if (toppedUp > 0)
      say(`heavy user topped up with ${toppedUp} expense documents inserted directly`);
    const heavyListed = await client
      .db(database)
      .collection('expenses')
      .countDocuments({ userId: heavyUser, deleted: false });
    say(`heavy user holds ${heavyListed} expenses`);
    const list = await listLatency(client, undefined);
    say(
      `expenses list (queryExpenses, first 20, walking cursors, ${list.pages} pages): p50 ${list.p50} ms, p95 ${list.p95} ms`,
    );
    const byCategory = await listLatency(client, { category: 'groceries' });
    say(`expenses list filtered by category: p50 ${byCategory.p50} ms, p95 ${byCategory.p95} ms`);

    say(
      JSON.stringify({
        bench: 'projector',
        events: total,
        listUserExpenses: heavyListed,
        listUserToppedUp: toppedUp,
        warmupEvents,
        slices: slices.length,
        eventsPerSec,
        limitPerSec,
        ratio,
        sliceRatios,
        perThousandEvents: {
          projectorMs: perThousand(projectorMs),
          projectorDatabaseBusyMs: projectorDatabaseMs,
          projectorWakeMs,
          limitMs: perThousand(limitMs),
          limitDatabaseBusyMs: limitDatabaseMs,
          projectorPhases,
          limitPhases,
        },
        listP50Ms: list.p50,
        listP95Ms: list.p95,
        categoryListP50Ms: byCategory.p50,
        categoryListP95Ms: byCategory.p95,
      }),
    );
  } finally {
    if (!keep) {
      await client
        .db(database)
        .dropDatabase()
        .catch(() => undefined);
      const own = (await admin.listTopics()).filter((name) => name.startsWith(prefix));
      await admin.deleteTopics({ topics: own }).catch(() => undefined);
    }
    await Promise.all([client.close(), projectorClient.close(), limitClient.close()]);
    await admin.disconnect();
  }
}

await main();
