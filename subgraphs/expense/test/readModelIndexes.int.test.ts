import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MongoClient, type Db } from 'mongodb';
import { readInfraSettings } from '@cashtrack/infra';
import { freePort, mongoForTests, testNamespace, waitFor } from '@cashtrack/test-support';
import { changeLogCollectionName, openChangeLog } from '../src/subscriptions/changeLog.ts';
import { readModelNames } from '../src/readModels/readModelNames.ts';
import { prepareExpenseReadModels } from '../src/projections/expenseReadModelProjections.ts';

/**
 * The expense service creates its indexes at every start. These tests start it again the ways a
 * user does: on collections that already hold the indexes, with and without documents, and after
 * the database server itself restarted (FerretDB then reads its index metadata back from SQLite).
 * FerretDB 1.24.2 closed the connection when one `createIndexes` named two existing indexes, so
 * the service could not start on its own data (infra/ferretdb/patches/0005-*.patch).
 */

/** What every start of the expense service creates, as `listIndexes` reports it. */
async function indexesOf(db: Db): Promise<Record<string, Record<string, unknown>[]>> {
  const collections = (await db.listCollections({}, { nameOnly: true }).toArray())
    .map((collection) => collection.name)
    .sort();
  const entries = await Promise.all(
    collections.map(async (name) => {
      const indexes = await db.collection(name).indexes();
      const shapes = indexes
        .map((index) => ({ name: index.name, key: index.key, unique: index.unique === true }))
        .sort((a, b) => String(a.name).localeCompare(String(b.name)));
      return [name, shapes] as const;
    }),
  );
  return Object.fromEntries(entries);
}

async function startExpenseIndexes(db: Db): Promise<void> {
  await prepareExpenseReadModels(db);
  await openChangeLog(db);
}

/** Read model documents are keyed by our own string ids, not ObjectIds. */
interface KeyedDocument {
  readonly _id: string;
  readonly [field: string]: unknown;
}

async function insertOneDocumentEach(db: Db): Promise<void> {
  await db.collection<KeyedDocument>(readModelNames.expenses).insertOne({
    _id: 'e-1',
    userId: 'u-1',
    deleted: false,
    category: 'food',
    occurredOn: '2026-11-20',
  });
  await db
    .collection<KeyedDocument>(readModelNames.spendingTotals)
    .insertOne({ _id: 'month|u-1|USD|2026-11', userId: 'u-1', month: '2026-11' });
  await db
    .collection<KeyedDocument>(readModelNames.expenseMessages)
    .insertOne({ _id: 'm-1', userId: 'u-1' });
  await db
    .collection<KeyedDocument>(changeLogCollectionName)
    .insertOne({ _id: 'c-1', userId: 'u-1' });
}

describe('the expense indexes, created again at every start', () => {
  describe('on the shared server', () => {
    it('are created again on existing collections, empty and holding documents', async () => {
      const database = await mongoForTests(testNamespace().database);
      try {
        await startExpenseIndexes(database.db);
        const first = await indexesOf(database.db);
        expect(first.expenses?.map((index) => index.name)).toEqual(
          expect.arrayContaining(['byUserDate', 'byUserCategoryDate']),
        );

        await startExpenseIndexes(database.db);
        expect(await indexesOf(database.db)).toEqual(first);

        await insertOneDocumentEach(database.db);
        await startExpenseIndexes(database.db);
        await startExpenseIndexes(database.db);
        expect(await indexesOf(database.db)).toMatchObject(first);
        expect(await database.db.collection(readModelNames.expenses).countDocuments()).toBe(1);
      } finally {
        await database.close();
      }
    });

    it('creates only the missing ones when a command names existing and new indexes', async () => {
      const database = await mongoForTests(testNamespace().database);
      const collection = database.db.collection('mixed');
      const a = { key: { userId: 1, deleted: 1, occurredOn: -1, _id: -1 }, name: 'a' };
      const b = { key: { userId: 1, category: 1 }, name: 'b' };
      const c = { key: { userId: 1, month: 1 }, name: 'c' };
      try {
        await collection.createIndexes([a, b]);
        // Two existing, then a new one after them: the new one must not be dropped.
        await collection.createIndexes([a, b, c]);
        await collection.createIndexes([c, a, b]);
        const names = (await collection.indexes()).map((index) => index.name).sort();
        expect(names).toEqual(['_id_', 'a', 'b', 'c']);
        await expect(
          collection.createIndexes([{ key: { userId: 1, category: -1 }, name: 'b' }]),
        ).rejects.toMatchObject({ codeName: 'IndexKeySpecsConflict' });
      } finally {
        await database.close();
      }
    });
  });

  // The restart needs a server of our own: the shared one serves every other test file.
  const ferretdbBinary = path.join(readInfraSettings().installDir, 'bin', 'ferretdb');
  // Absent only when MONGO_URL names a server of the user's own and nothing was built.
  const withLocalFerretdb = existsSync(ferretdbBinary) ? describe : describe.skip;

  withLocalFerretdb('after FerretDB restarts on its own data', () => {
    let dataDir: string;
    let port: number;
    let server: ChildProcess | undefined;

    const startFerretdb = async (): Promise<void> => {
      server = spawn(
        ferretdbBinary,
        [`--listen-addr=127.0.0.1:${port}`, `--sqlite-url=file:${dataDir}/`, '--log-level=error'],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      );
      await waitFor(
        async () => {
          const client = new MongoClient(`mongodb://127.0.0.1:${port}`, {
            serverSelectionTimeoutMS: 500,
          });
          try {
            await client.connect();
            return (await client.db('admin').command({ ping: 1 })).ok === 1;
          } catch {
            return false;
          } finally {
            await client.close();
          }
        },
        { timeoutMs: 30_000, maxIntervalMs: 200, description: 'a private FerretDB' },
      );
    };

    const stopFerretdb = async (signal: NodeJS.Signals): Promise<void> => {
      const running = server;
      server = undefined;
      if (running === undefined || running.exitCode !== null) return;
      const exited = once(running, 'exit');
      running.kill(signal);
      await exited;
    };

    const withClient = async <T>(work: (db: Db) => Promise<T>): Promise<T> => {
      const client = await new MongoClient(`mongodb://127.0.0.1:${port}`).connect();
      try {
        return await work(client.db('expenseServiceDB'));
      } finally {
        await client.close();
      }
    };

    beforeAll(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), 'cashtrack-ferretdb-'));
      port = await freePort();
      await startFerretdb();
    });

    afterAll(async () => {
      await stopFerretdb('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    });

    it.each(['SIGTERM', 'SIGKILL'] as const)(
      'are created again after a %s of the server, and hinted reads still use them',
      async (signal) => {
        const before = await withClient(async (db) => {
          await startExpenseIndexes(db);
          if ((await db.collection(readModelNames.expenses).countDocuments()) === 0) {
            await insertOneDocumentEach(db);
          }
          await startExpenseIndexes(db);
          return indexesOf(db);
        });

        await stopFerretdb(signal);
        await startFerretdb();

        await withClient(async (db) => {
          await startExpenseIndexes(db);
          await startExpenseIndexes(db);
          expect(await indexesOf(db)).toEqual(before);
          const hinted = await db
            .collection(readModelNames.expenses)
            .find({ userId: 'u-1', deleted: false }, { hint: 'byUserDate' })
            .sort({ occurredOn: -1, _id: -1 })
            .toArray();
          expect(hinted.map((expense) => expense._id)).toEqual(['e-1']);
          const changes = await db
            .collection<KeyedDocument>(changeLogCollectionName)
            .find({ userId: 'u-1', _id: { $gt: '' } }, { hint: { userId: 1, _id: 1 } })
            .toArray();
          expect(changes.map((change) => change._id)).toEqual(['c-1']);
        });
      },
    );
  });
});
