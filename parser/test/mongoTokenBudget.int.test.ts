import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mongoForTests, testNamespace, type TestDatabase } from '@cashtrack/test-support';
import { mongoTokenBudget, tokenUsageCollection } from '../src/llm/mongoTokenBudget.ts';

/** The shared budget on the MongoDB-protocol server: one `$inc` document per user per UTC day. */

let database: TestDatabase;

beforeAll(async () => {
  database = await mongoForTests(testNamespace().database);
});
afterAll(async () => {
  await database.close();
});

describe('mongoTokenBudget', () => {
  it('adds up charges per user and day and closes the day once the allowance is spent', async () => {
    let now = new Date('2026-11-24T23:59:00Z');
    const usage = tokenUsageCollection(database.db);
    const budget = mongoTokenBudget(usage, 1_000, () => now);

    expect(await budget.hasRoom('ann')).toBe(true);
    await Promise.all([budget.charge('ann', 400), budget.charge('ann', 500)]);
    expect(await budget.hasRoom('ann')).toBe(true);
    await budget.charge('ann', 100);
    expect(await budget.hasRoom('ann')).toBe(false);
    expect(await budget.hasRoom('bob')).toBe(true);
    await budget.charge('bob', 0);

    const document = await usage.findOne({ _id: 'ann:2026-11-24' });
    expect(document).toMatchObject({ userId: 'ann', day: '2026-11-24', tokens: 1_000 });
    expect(await usage.countDocuments({ userId: 'bob' })).toBe(0);

    // A new UTC day starts with a fresh allowance.
    now = new Date('2026-11-25T00:00:01Z');
    expect(await budget.hasRoom('ann')).toBe(true);
  });
});
