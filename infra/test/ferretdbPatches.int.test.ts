import { stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MongoClient, type Collection, type Db, type Document, type Filter } from 'mongodb';
import { waitFor } from '@cashtrack/platform';
import { createLocalSystem, type LocalSystem } from '@cashtrack/test-support';
import { ferretdbServer } from '../src/ferretdbServer.ts';
import { readInfraSettings } from '../src/settings.ts';

/**
 * What each patch of infra/ferretdb/patches changes, checked on a private FerretDB started from
 * the binary built with the series (whatever server MONGO_URL names for the rest of the suite).
 * Each test is named after its patch. Upstream's FerretDB 1.24.2 fails each of them, except the
 * hinted `_id` range, which checks that the pushdown selects what the unhinted query does.
 */

interface Entry {
  readonly _id: string;
  readonly userId: string | readonly string[];
  readonly day?: string;
  readonly count?: number;
}

/** SQLite's plan for a find, as FerretDB's `explain` reports it (one line per plan node). */
async function queryPlan(entries: Collection<Entry>, filter: Filter<Entry>): Promise<string> {
  const explained: Document = await entries.find(filter).explain();
  const planner: unknown = explained.queryPlanner;
  const plan =
    typeof planner === 'object' && planner !== null && 'Plan' in planner ? planner.Plan : [];
  return Array.isArray(plan) ? plan.join('\n') : '';
}

// Absent only when MONGO_URL names a server of the user's own and nothing was built.
const withOurFerretdb = ferretdbServer(readInfraSettings()).isInstalled()
  ? describe
  : describe.skip;

withOurFerretdb('FerretDB built with our patch series', () => {
  let system: LocalSystem;
  let client: MongoClient;
  let db: Db;

  beforeAll(async () => {
    system = await createLocalSystem();
    await system.startServer('ferretdb');
    client = await new MongoClient(system.mongoUrl).connect();
    db = client.db('patches');
  });

  afterAll(async () => {
    await client.close();
    await system.dispose();
  });

  it('0001: looks an _id up through the _id_ index', async () => {
    const entries = db.collection<Entry>('byId');
    await entries.insertMany([
      { _id: 'k-1', userId: 'u1' },
      { _id: 'k-2', userId: 'u2' },
    ]);

    expect(await queryPlan(entries, { _id: 'k-1' })).toMatch(/SEARCH \S+ USING INDEX \S+__id_ /);
    expect(await entries.findOne({ _id: 'k-1' })).toEqual({ _id: 'k-1', userId: 'u1' });
  });

  it('0002: pushes _id equality and $in down next to other conditions', async () => {
    const entries = db.collection<Entry>('byIdAndMore');
    await entries.insertMany([
      { _id: 'k-1', userId: 'u1' },
      { _id: 'k-2', userId: 'u2' },
      { _id: 'k-3', userId: 'u1' },
    ]);
    const filters: Filter<Entry>[] = [
      { _id: 'k-1', userId: 'u1' },
      { _id: { $in: ['k-1', 'k-2', 'k-3'] }, userId: 'u1' },
    ];
    for (const filter of filters) {
      expect(await queryPlan(entries, filter)).toMatch(/SEARCH \S+ USING INDEX \S+__id_ /);
    }

    const found = await entries
      .find({ _id: { $in: ['k-1', 'k-2', 'k-3'] }, userId: 'u1' })
      .sort({ _id: 1 })
      .toArray();
    expect(found.map(({ _id }) => _id)).toEqual(['k-1', 'k-3']);
  });

  it('0003: answers a hinted query with an _id range as the unhinted query does', async () => {
    const entries = db.collection<Entry>('byUserCursor');
    const byUserCursor = { userId: 1, _id: 1 } as const;
    await entries.createIndex(byUserCursor);
    const cursors = Array.from({ length: 40 }, (_, index) => `0-${String(index).padStart(4, '0')}`);
    await entries.insertMany(
      cursors.map((cursor, index) => ({ _id: cursor, userId: index % 3 === 0 ? 'u2' : 'u1' })),
    );
    const queries = [
      { filter: { userId: 'u1', _id: { $gt: '0-0010' } }, sort: 1, limit: 5 },
      { filter: { userId: 'u1', _id: { $gte: '0-0010', $lt: '0-0020' } }, sort: 1, limit: 50 },
      { filter: { userId: 'u2', _id: { $lte: '0-0030' } }, sort: -1, limit: 3 },
      { filter: { userId: 'u1', _id: { $gt: '0-0039' } }, sort: 1, limit: 5 },
    ] as const;
    for (const { filter, sort, limit } of queries) {
      const unhinted = await entries.find(filter).sort({ _id: sort }).limit(limit).toArray();
      const hinted = await entries
        .find(filter, { hint: byUserCursor })
        .sort({ _id: sort })
        .limit(limit)
        .toArray();
      expect(hinted).toEqual(unhinted);
    }
    const page = await entries
      .find({ userId: 'u1', _id: { $gt: '0-0010' } }, { hint: byUserCursor })
      .sort({ _id: 1 })
      .limit(3)
      .toArray();
    expect(page.map(({ _id }) => _id)).toEqual(['0-0011', '0-0013', '0-0014']);
  });

  // The hint is a promise that the index's fields hold no arrays (patches/README.md). A document
  // breaking it is the one way to see from outside that SQLite, not FerretDB's own filter,
  // selected the hinted query's documents from the index.
  it('0003: answers a hinted index’s conditions from the index, taking the hint at its word', async () => {
    const entries = db.collection<Entry>('byUserDay');
    const byUserDay = { userId: 1, day: 1 } as const;
    await entries.createIndex(byUserDay);
    await entries.insertMany([
      { _id: 'scalar', userId: 'u1', day: '2026-11-01' },
      { _id: 'array', userId: ['u1', 'u2'], day: '2026-11-02' },
    ]);
    const filter = { userId: 'u1', day: { $gte: '2026-11-01' } };

    const unhinted = await entries.find(filter).sort({ day: 1 }).toArray();
    const hinted = await entries.find(filter, { hint: byUserDay }).sort({ day: 1 }).toArray();

    expect(unhinted.map(({ _id }) => _id)).toEqual(['scalar', 'array']);
    expect(hinted.map(({ _id }) => _id)).toEqual(['scalar']);
  });

  it('0004: answers one update command of many matched documents', async () => {
    const entries = db.collection<Entry>('counters');
    // Upstream kept each matched statement's read open to the end of the command and hung from
    // about the hundredth.
    const ids = Array.from({ length: 150 }, (_, index) => `c-${index}`);
    await entries.insertMany(ids.map((_id) => ({ _id, userId: 'u1', count: 0 })));

    const result = await entries.bulkWrite(
      ids.map((_id) => ({ updateOne: { filter: { _id }, update: { $inc: { count: 1 } } } })),
    );

    expect(result.modifiedCount).toBe(ids.length);
    expect(await entries.countDocuments({ count: 1 })).toBe(ids.length);
  });

  it('0007: applies racing updates of one document one after another', async () => {
    const counters = db.collection<{ _id: string; count: number }>('racingIncrements');
    await counters.insertOne({ _id: 'shared', count: 0 });
    // Upstream read the document and wrote it back in two transactions: 20 racers stored 12.
    const racers = 20;

    await Promise.all(
      Array.from({ length: racers }, () =>
        counters.updateOne({ _id: 'shared' }, { $inc: { count: 1 } }),
      ),
    );
    const returned = await Promise.all(
      Array.from({ length: racers }, () =>
        counters.findOneAndUpdate(
          { _id: 'shared' },
          { $inc: { count: 1 } },
          { returnDocument: 'after' },
        ),
      ),
    );

    expect((await counters.findOne({ _id: 'shared' }))?.count).toBe(2 * racers);
    const seen = returned.map((document) => document?.count).sort((a, b) => (a ?? 0) - (b ?? 0));
    expect(seen).toEqual(Array.from({ length: racers }, (_, index) => racers + index + 1));
  });

  it('0007: lets one of racing compare-and-set statements win, deletes included', async () => {
    const revisions = db.collection<{ _id: string; revision: number; writer?: number }>(
      'racingRevisions',
    );
    for (let round = 0; round < 5; round += 1) {
      const _id = `r-${round}`;
      await revisions.insertOne({ _id, revision: 0 });
      const expected = { _id, revision: 0 };

      const outcomes = await Promise.all([
        ...Array.from({ length: 8 }, (_, writer) =>
          revisions
            .updateOne(expected, { $set: { revision: 1, writer } })
            .then((result) => result.modifiedCount),
        ),
        revisions.deleteOne(expected).then((result) => result.deletedCount),
        revisions
          .findOneAndUpdate(expected, { $set: { revision: 1, writer: 8 } })
          .then((before) => (before === null ? 0 : 1)),
      ]);

      expect(outcomes.reduce((sum, won) => sum + won, 0)).toBe(1);
    }
  });

  it('0006: checkpoints the WAL in the background, never in a write', async () => {
    const file = path.join(system.dir, 'ferretdb', 'data', 'checkpoints.sqlite');
    const pages = client.db('checkpoints').collection<{ _id: string; text: string }>('pages');
    await pages.insertOne({ _id: 'first', text: '' });
    const before = (await stat(file)).size;
    // About 400 pages, in the WAL: upstream copies them into the database file only in the
    // write that takes the WAL past 1,000 pages (or when the last connection closes).
    const text = 'x'.repeat(4_000);
    await pages.insertMany(
      Array.from({ length: 200 }, (_, index) => ({ _id: `p-${index}`, text })),
    );

    await waitFor(async () => (await stat(file)).size >= before + 200 * text.length, {
      timeoutMs: 30_000,
      description: 'the written pages checkpointed into the database file',
    });
  });
});
