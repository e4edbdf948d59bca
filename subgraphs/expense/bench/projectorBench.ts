/**
 * `npm run bench:projector`: the expense projector against its limit, on the real broker and
 * MongoDB-protocol server.
 *
 * 1. `BENCH_PROJECTOR_EVENTS` (default 200,000) `ExpenseRecorded` events are published to a
 *    fresh `cashtrack.expenses` topic; half of them belong to one heavy user, the rest to 1,000
 *    others, dated over the last three years.
 * 2. The projector (`startExpenseProjector`: the events consumer runner and the subgraph's
 *    read model definitions, every read model) projects them into a fresh database. Timed from the
 *    end of the first batch reported to the last (the first batch's events not counted), so
 *    the group join does not count. Changes are reported
 *    to a counter, not to the subscriptions change log.
 * 3. The limit: the same `expenses` documents bulk-upserted straight into a collection with the
 *    same indexes in the same database (`bulkWrite` of 1,000 upserting `replaceOne`s, unordered).
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
import {
  categories,
  newEvent,
  topicNames,
  type CashTrackEvent,
  type EventOfType,
} from '@cashtrack/events';
import { createEventProducer, ensureTopics } from '@cashtrack/events/kafka';
import { createLogger, envInt, envList, waitFor } from '@cashtrack/platform';
import type { ExpenseChange } from '../src/projections/expenseChanges.ts';
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

async function produce(events: readonly CashTrackEvent[]): Promise<void> {
  const producer = createEventProducer(kafka, { topicPrefix: prefix });
  await producer.connect();
  const started = performance.now();
  for (let start = 0; start < events.length; start += chunk) {
    await producer.publish(events.slice(start, start + chunk));
    if ((start / chunk) % 50 === 49) say(`  produced ${start + chunk}`);
  }
  say(
    `produced ${events.length} events at ${perSecond(events.length, performance.now() - started)}/s`,
  );
  await producer.disconnect();
}

/** Runs the projector until every event is projected; returns events per second. */
async function project(client: MongoClient): Promise<number> {
  let seen = 0;
  let first = 0;
  /** The events of the first report: projected before the clock started, so not counted. */
  let beforeClock = 0;
  let last = 0;
  let lastSaid = 0;
  const reportChanges = (changes: readonly ExpenseChange[]): Promise<void> => {
    const at = performance.now();
    const added = changes.filter((change) => change.kind === 'ADDED').length;
    if (added === 0) return Promise.resolve();
    if (seen === 0) {
      first = at;
      beforeClock = added;
    }
    seen += added;
    if (seen >= total && last === 0) last = at;
    return Promise.resolve();
  };
  const projector = await startExpenseProjector({
    kafka,
    db: client.db(database),
    topicPrefix: prefix,
    reportChanges,
    exitOnFatal: false,
    logger: log,
  });
  try {
    await waitFor(
      () => {
        const now = performance.now();
        if (seen > 0 && now - lastSaid >= 10_000) {
          lastSaid = now;
          say(`  projected ${seen} at ${perSecond(seen - beforeClock, now - first)}/s so far`);
        }
        return last > 0;
      },
      { timeoutMs: 6 * 3_600_000, maxIntervalMs: 250, description: `${total} events projected` },
    );
  } finally {
    await projector.stop();
  }
  const stats = projector.stats();
  if (stats.deadLettered > 0) throw new Error(`${stats.deadLettered} events were dead-lettered`);
  return perSecond(total - beforeClock, last - first);
}

/** The same expense documents, bulk-upserted straight into the same database. */
async function bulkUpsert(client: MongoClient, events: readonly Recorded[]): Promise<number> {
  const limit = client.db(database).collection('expensesLimit') as unknown as ExpensesCollection;
  await prepareExpenses(limit);
  const documents: ExpenseDocument[] = events.map((event) => ({
    ...evolveExpenseRecord(null, event),
    _id: event.aggregateId,
    aggregateVersion: event.aggregateVersion,
  }));
  const started = performance.now();
  let lastSaid = started;
  for (let start = 0; start < documents.length; start += chunk) {
    const operations: AnyBulkWriteOperation<ExpenseDocument>[] = documents
      .slice(start, start + chunk)
      .map((document) => ({
        replaceOne: { filter: { _id: document._id }, replacement: document, upsert: true },
      }));
    await limit.bulkWrite(operations, { ordered: false });
    const now = performance.now();
    if (now - lastSaid >= 10_000) {
      lastSaid = now;
      const done = Math.min(start + chunk, documents.length);
      say(`  upserted ${done} at ${perSecond(done, now - started)}/s so far`);
    }
  }
  const perSec = perSecond(documents.length, performance.now() - started);
  const stored = await limit.countDocuments({});
  if (stored !== documents.length) throw new Error(`bulk upsert stored ${stored} documents`);
  return perSec;
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
    ).map((event) => ({
      ...evolveExpenseRecord(null, event),
      _id: event.aggregateId,
      aggregateVersion: event.aggregateVersion,
    }));
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
  try {
    await ensureTopics(admin, { prefix });
    say(
      `projector bench: ${total} ExpenseRecorded events (${heavyCount} of one user, the rest of ${otherUsers}), topic ${topicNames(prefix).expenses}, database ${database}`,
    );
    const events = makeEvents();
    await produce(interleaved(events));

    const eventsPerSec = await project(client);
    say(`projector (runner, totals, expenses, every round trip): ${eventsPerSec} events/s`);
    const limitPerSec = await bulkUpsert(client, events);
    say(`limit (bulk upsert of the same expense documents, 1,000 per call): ${limitPerSec}/s`);
    const ratio = round(eventsPerSec / limitPerSec, 3);
    say(`ratio projector / limit: ${ratio} (goal >= 0.7)`);

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
        eventsPerSec,
        limitPerSec,
        ratio,
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
    await client.close();
    await admin.disconnect();
  }
}

await main();
