import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Collection } from 'mongodb';
import { mongoForTests, testNamespace, type TestDatabase } from '@cashtrack/test-support';
import { applyToReadModel, newEvent, type ReadModelDocument } from '../src/index.ts';
import { evolveExpenseView, type ExpenseView } from './expenseView.ts';
import { expenseAmountChanged, manualExpense } from './sampleEvents.ts';

describe('applyToReadModel on the MongoDB-protocol server', () => {
  let database: TestDatabase;
  let views: Collection<ReadModelDocument<ExpenseView>>;

  beforeAll(async () => {
    database = await mongoForTests(testNamespace().database);
    views = database.db.collection('expense_views');
  });

  afterAll(async () => {
    await database.close();
  });

  it('creates at version 1, applies the next version, and ignores the same event twice', async () => {
    const recorded = manualExpense('u1', 'e1', 100);
    const updated = expenseAmountChanged('u1', 'e1', 2, 200);
    expect(await applyToReadModel(views, recorded, evolveExpenseView)).toEqual({
      outcome: 'applied',
      version: 1,
    });
    expect(await applyToReadModel(views, recorded, evolveExpenseView)).toEqual({
      outcome: 'duplicate',
      version: 1,
    });
    expect(await applyToReadModel(views, updated, evolveExpenseView)).toEqual({
      outcome: 'applied',
      version: 2,
    });
    const after = await views.findOne({ _id: 'e1' });
    expect(await applyToReadModel(views, updated, evolveExpenseView)).toMatchObject({
      outcome: 'duplicate',
    });
    expect(await views.findOne({ _id: 'e1' })).toEqual(after);
    expect(after).toEqual({
      _id: 'e1',
      userId: 'u1',
      amountMinor: 200,
      deleted: false,
      appliedEvents: 2,
      aggregateVersion: 2,
    });
  });

  it('ignores an older version after a newer one and refuses to skip a missing one', async () => {
    const events = [
      manualExpense('u1', 'e2', 100),
      expenseAmountChanged('u1', 'e2', 2, 200),
      expenseAmountChanged('u1', 'e2', 3, 300),
    ] as const;
    expect(await applyToReadModel(views, events[2], evolveExpenseView)).toEqual({
      outcome: 'gap',
      version: 0,
    });
    expect(await views.findOne({ _id: 'e2' })).toBeNull();
    await applyToReadModel(views, events[0], evolveExpenseView);
    expect(await applyToReadModel(views, events[2], evolveExpenseView)).toEqual({
      outcome: 'gap',
      version: 1,
    });
    await applyToReadModel(views, events[1], evolveExpenseView);
    await applyToReadModel(views, events[2], evolveExpenseView);
    const final = await views.findOne({ _id: 'e2' });
    expect(await applyToReadModel(views, events[1], evolveExpenseView)).toEqual({
      outcome: 'older',
      version: 3,
    });
    expect(await applyToReadModel(views, events[0], evolveExpenseView)).toMatchObject({
      outcome: 'older',
    });
    expect(await views.findOne({ _id: 'e2' })).toEqual(final);
    expect(final).toMatchObject({ amountMinor: 300, appliedEvents: 3, aggregateVersion: 3 });
  });

  // On MongoDB exactly one of them reports `applied`. FerretDB 1.24 (SQLite) checks the filter
  // and writes in two steps, so both may report `applied`; both wrote the same state, which is
  // what this asserts on both servers.
  it('ends in the same state when two appliers apply the same event at once', async () => {
    const recorded = manualExpense('u1', 'e3', 100);
    const updated = expenseAmountChanged('u1', 'e3', 2, 200);
    const first = await Promise.all([
      applyToReadModel(views, recorded, evolveExpenseView),
      applyToReadModel(views, recorded, evolveExpenseView),
    ]);
    const second = await Promise.all([
      applyToReadModel(views, updated, evolveExpenseView),
      applyToReadModel(views, updated, evolveExpenseView),
    ]);
    for (const pair of [first, second]) {
      expect(pair.map((result) => result.outcome)).toContain('applied');
      expect(pair.every((result) => ['applied', 'duplicate'].includes(result.outcome))).toBe(true);
    }
    expect(await views.findOne({ _id: 'e3' })).toMatchObject({
      amountMinor: 200,
      appliedEvents: 2,
      aggregateVersion: 2,
    });
  });

  it('keeps a tombstone on delete so a redelivered creation cannot bring it back', async () => {
    const recorded = manualExpense('u1', 'e4', 100);
    const deleted = newEvent({
      type: 'ExpenseDeleted',
      userId: 'u1',
      aggregateId: 'e4',
      aggregateVersion: 2,
      payload: {},
      correlationId: 'c',
      now: new Date(),
    });
    await applyToReadModel(views, recorded, evolveExpenseView);
    await applyToReadModel(views, deleted, evolveExpenseView);
    expect(await applyToReadModel(views, recorded, evolveExpenseView)).toMatchObject({
      outcome: 'older',
    });
    expect(await views.findOne({ _id: 'e4' })).toMatchObject({ deleted: true });
  });
});
