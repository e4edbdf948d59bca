import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Collection } from 'mongodb';
import { mongoForTests, testNamespace, type TestDatabase } from '@cashtrack/test-support';
import {
  applyToReadModel,
  planReadModelBatch,
  type ReadModelDocument,
} from '../src/mongo/index.ts';
import { newEvent } from '../src/index.ts';
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

  it('applies a batch as it would apply its events one at a time, in one write', async () => {
    const history = [
      manualExpense('u2', 'b1', 100),
      expenseAmountChanged('u2', 'b1', 2, 200),
      manualExpense('u2', 'b2', 50),
      expenseAmountChanged('u2', 'b1', 2, 999), // a racing writer's event: loses
      expenseAmountChanged('u2', 'b1', 3, 300),
    ];
    const batch = await planReadModelBatch(views, history, evolveExpenseView);
    expect(batch.results.map(({ outcome, version }) => [outcome, version])).toEqual([
      ['applied', 1],
      ['applied', 2],
      ['applied', 1],
      ['duplicate', 2],
      ['applied', 3],
    ]);
    expect(batch.results[1]?.before).toMatchObject({ amountMinor: 100 });
    expect(batch.hasGap).toBe(false);
    expect(await views.findOne({ _id: 'b1' })).toBeNull(); // nothing written before commit
    await batch.commit();
    expect(await views.findOne({ _id: 'b1' })).toMatchObject({
      amountMinor: 300,
      appliedEvents: 3,
      aggregateVersion: 3,
    });
    const again = await planReadModelBatch(views, history.slice(1), evolveExpenseView);
    expect(again.results.map(({ outcome }) => outcome)).toEqual([
      'older',
      'duplicate',
      'older',
      'duplicate',
    ]);
    await again.commit();
    expect(await views.findOne({ _id: 'b2' })).toMatchObject({ appliedEvents: 1 });
  });

  it('marks a gap, and refuses to overwrite what another writer changed meanwhile', async () => {
    const recorded = manualExpense('u2', 'b3', 100);
    const gap = await planReadModelBatch(
      views,
      [expenseAmountChanged('u2', 'b3', 2, 200)],
      evolveExpenseView,
    );
    expect(gap.hasGap).toBe(true);
    expect(gap.results[0]).toMatchObject({ outcome: 'gap', version: 0 });

    const late = await planReadModelBatch(views, [recorded], evolveExpenseView);
    await applyToReadModel(views, recorded, evolveExpenseView);
    await expect(late.commit()).rejects.toMatchObject({ code: 'PROJECTION_CONFLICT' });
    const updated = expenseAmountChanged('u2', 'b3', 2, 200);
    const stale = await planReadModelBatch(views, [updated], evolveExpenseView);
    await applyToReadModel(views, updated, evolveExpenseView);
    await expect(stale.commit()).rejects.toMatchObject({ code: 'PROJECTION_CONFLICT' });
    expect(await views.findOne({ _id: 'b3' })).toMatchObject({
      amountMinor: 200,
      appliedEvents: 2,
    });
  });
});
