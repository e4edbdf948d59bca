import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MongoServerError } from 'mongodb';
import { mongoForTests, testNamespace, type TestDatabase } from '@cashtrack/test-support';

interface Purchase {
  readonly userId: string;
  readonly sku: string;
  readonly month: string;
  readonly amountMinor: number;
}

describe('the local MongoDB-protocol server', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await mongoForTests(testNamespace().database);
  });

  afterAll(async () => {
    await database.close();
  });

  it('inserts, indexes, queries and aggregates documents', async () => {
    const purchases = database.db.collection<Purchase>('purchases');
    await purchases.createIndex({ userId: 1, sku: 1 }, { unique: true });
    await purchases.createIndex({ userId: 1, month: -1 });
    await purchases.insertMany([
      { userId: 'u1', sku: 'a', month: '2026-10', amountMinor: 500 },
      { userId: 'u1', sku: 'b', month: '2026-11', amountMinor: 1_250 },
      { userId: 'u1', sku: 'c', month: '2026-11', amountMinor: 250 },
      { userId: 'u2', sku: 'a', month: '2026-11', amountMinor: 9_999 },
    ]);

    const indexNames = (await purchases.indexes()).map((index) => index.name);
    expect(indexNames).toEqual(expect.arrayContaining(['userId_1_sku_1', 'userId_1_month_-1']));

    await expect(
      purchases.insertOne({ userId: 'u1', sku: 'a', month: '2026-12', amountMinor: 1 }),
    ).rejects.toMatchObject({ code: 11000 } satisfies Partial<MongoServerError>);

    const november = await purchases
      .find({ userId: 'u1', month: '2026-11' }, { projection: { _id: 0, sku: 1 } })
      .sort({ sku: 1 })
      .toArray();
    expect(november).toEqual([{ sku: 'b' }, { sku: 'c' }]);

    const perMonth = await purchases
      .aggregate<{ _id: string; totalMinor: number }>([
        { $match: { userId: 'u1' } },
        { $group: { _id: '$month', totalMinor: { $sum: '$amountMinor' } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(perMonth).toEqual([
      { _id: '2026-10', totalMinor: 500 },
      { _id: '2026-11', totalMinor: 1_500 },
    ]);

    const updated = await purchases.findOneAndUpdate(
      { userId: 'u2', sku: 'a' },
      { $inc: { amountMinor: 1 } },
      { returnDocument: 'after' },
    );
    expect(updated).toMatchObject({ sku: 'a', amountMinor: 10_000 });
  });
});
