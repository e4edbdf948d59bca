import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Collection, Document } from 'mongodb';
import { mongoForTests, testNamespace, type TestDatabase } from '@cashtrack/test-support';
import type { ExpenseChange } from '../src/projections/expenseChanges.ts';
import { createExpenseProjection } from '../src/projections/expenseProjector.ts';
import { projectSpendingTotals } from '../src/projections/spendingTotalsProjection.ts';
import { expenseMessageViewOf } from '../src/readModels/expenseMessagesReadModel.ts';
import {
  expenseReadModels,
  prepareExpenseReadModels,
  type ExpenseReadModels,
} from '../src/readModels/readModels.ts';
import {
  deleted,
  groceries,
  parsedFrom,
  recorded,
  rejected,
  submitted,
  updated,
} from './support/sampleEvents.ts';

/** Each event its own place in the topic, the same on every delivery, as Kafka hands it over. */
const offsets = new Map<string, number>();
const positionOf = (event: { readonly eventId: string }) => {
  if (!offsets.has(event.eventId)) offsets.set(event.eventId, offsets.size);
  return { partition: 0, offset: String(offsets.get(event.eventId)) };
};

describe('the expense projection on the MongoDB-protocol server', () => {
  let database: TestDatabase;
  let models: ExpenseReadModels;
  const changes: ExpenseChange[] = [];
  const projection = () =>
    createExpenseProjection(models, async (change) => {
      changes.push(change);
    });

  /** The kind of each distinct change, in the order first reported. */
  const changeKindsByCursor = () => [
    ...new Map(changes.map((change) => [change.cursor, change.kind])).values(),
  ];

  beforeAll(async () => {
    database = await mongoForTests(testNamespace().database);
    models = expenseReadModels(database.db);
    await prepareExpenseReadModels(models);
  });

  afterAll(async () => {
    await database.close();
  });

  /** Every document of every read model of one user, for "nothing changed" comparisons. */
  async function snapshot(): Promise<Record<string, Document[]>> {
    const all = async (collection: Collection<Document>) =>
      collection.find({}).sort({ _id: 1 }).toArray();
    return {
      expenses: await all(models.expenses as unknown as Collection<Document>),
      expenseMessages: await all(models.expenseMessages as unknown as Collection<Document>),
      spendingTotals: await all(models.spendingTotals as unknown as Collection<Document>),
    };
  }

  async function monthTotals(userId: string, month: string): Promise<Document | null> {
    return (models.spendingTotals as unknown as Collection<Document>).findOne({
      kind: 'month',
      userId,
      month,
      currency: 'USD',
    });
  }

  it('applies each event once: the same history twice changes nothing, totals included', async () => {
    const history = [
      recorded('u1', 'e1'),
      updated('u1', 'e1', 2, { ...groceries, amountMinor: 7000, category: 'dining' }),
      recorded('u1', 'e2', { ...groceries, amountMinor: 1000 }),
      deleted('u1', 'e2', 2),
    ];
    for (const event of history) await projection().project(event, positionOf(event));
    const once = await snapshot();
    for (const event of history) await projection().project(event, positionOf(event));
    expect(await snapshot()).toEqual(once);

    const november = await monthTotals('u1', '2026-11');
    expect(november).toMatchObject({
      byCategory: {
        groceries: { amountMinor: 0, count: 0 },
        dining: { amountMinor: 7000, count: 1 },
      },
      byDay: { '24': { dining: { amountMinor: 7000, count: 1 } } },
    });
    // A redelivered event is reported again under the same cursor (the change log keeps one
    // entry per cursor), so subscribers hear each change once.
    expect(changeKindsByCursor()).toEqual(['ADDED', 'UPDATED', 'ADDED', 'DELETED']);
  });

  it('ignores an older event after a newer one and refuses to skip a missing one', async () => {
    const first = recorded('u2', 'e3');
    const second = updated('u2', 'e3', 2, { ...groceries, amountMinor: 2000 });
    const third = updated('u2', 'e3', 3, { ...groceries, amountMinor: 3000 });
    await projection().project(first, positionOf(first));
    await expect(projection().project(third, positionOf(third))).rejects.toMatchObject({
      code: 'PROJECTION_GAP',
    });
    await projection().project(second, positionOf(second));
    await projection().project(third, positionOf(third));
    const after = await snapshot();
    await projection().project(second, positionOf(second));
    await projection().project(first, positionOf(first));
    expect(await snapshot()).toEqual(after);
    expect(await models.expenses.findOne({ _id: 'e3' })).toMatchObject({
      amountMinor: 3000,
      aggregateVersion: 3,
    });
    expect(await monthTotals('u2', '2026-11')).toMatchObject({
      byCategory: { groceries: { amountMinor: 3000, count: 1 } },
    });
  });

  it('keeps the first of two events racing for one version, and remembers whose it was', async () => {
    const first = recorded('u3', 'e4');
    const winner = updated('u3', 'e4', 2, { ...groceries, amountMinor: 100 });
    const loser = updated('u3', 'e4', 2, { ...groceries, amountMinor: 999 });
    for (const event of [first, winner, loser])
      await projection().project(event, positionOf(event));
    const document = await models.expenses.findOne({ _id: 'e4' });
    expect(document).toMatchObject({ amountMinor: 100, aggregateVersion: 2 });
    expect(document?.appliedEvents.at(-1)).toEqual({ version: 2, eventId: winner.eventId });
    expect(await monthTotals('u3', '2026-11')).toMatchObject({
      byCategory: { groceries: { amountMinor: 100, count: 1 } },
    });
  });

  it('finishes totals a crash left pending, without counting anything twice', async () => {
    const totals = models.spendingTotals as unknown as Collection<Document>;
    const event = recorded('u4', 'e5');
    // A crash after the contribution was written, before any bucket: put the document back as
    // that moment left it, then deliver the event again.
    await projectSpendingTotals(models.spendingTotals, event);
    const bucketId = 'month|u4|USD|2026-11';
    const bucket = await totals.findOne({ _id: bucketId } as Document);
    await totals.deleteOne({ _id: bucketId } as Document);
    const contribution = await totals.findOne({ _id: 'e5' } as Document);
    const pending = {
      [event.eventId]: [
        {
          bucketId,
          userId: 'u4',
          currency: 'USD',
          month: '2026-11',
          cells: [{ category: 'groceries', day: '24', amountMinor: 5000, count: 1 }],
        },
      ],
    };
    await totals.updateOne({ _id: 'e5' } as Document, { $set: { pendingTotals: pending } });
    await projection().project(event, positionOf(event));
    expect(await totals.findOne({ _id: bucketId } as Document)).toEqual(bucket);
    // A crash after the bucket, before the pending change was cleared: delivered again, the
    // bucket's guard skips it.
    await totals.updateOne({ _id: 'e5' } as Document, { $set: { pendingTotals: pending } });
    await projection().project(event, positionOf(event));
    expect(await totals.findOne({ _id: bucketId } as Document)).toEqual(bucket);
    expect(await totals.findOne({ _id: 'e5' } as Document)).toEqual(contribution);
    expect(bucket).toMatchObject({ byCategory: { groceries: { amountMinor: 5000, count: 1 } } });
  });

  it('builds a message from its events in any order, once', async () => {
    const first = parsedFrom('u5', 'm1', 0, 2);
    const second = parsedFrom('u5', 'm1', 1, 2, { ...groceries, amountMinor: 300 });
    for (const event of [second, submitted('u5', 'm1')])
      await projection().project(event, positionOf(event));
    let message = await models.expenseMessages.findOne({ _id: 'm1' });
    expect(message && expenseMessageViewOf(message)).toMatchObject({ status: 'PENDING' });
    await projection().project(first, positionOf(first));
    await projection().project(first, positionOf(first));
    message = await models.expenseMessages.findOne({ _id: 'm1' });
    expect(message && expenseMessageViewOf(message)).toMatchObject({
      text: 'coffee 4.50 and bagel 3',
      status: 'PARSED',
      expenseIds: [first.aggregateId, second.aggregateId],
    });

    const rejection = rejected('u5', 'm2');
    await projection().project(rejection, positionOf(rejection));
    const submission = submitted('u5', 'm2', 'hello');
    await projection().project(submission, positionOf(submission));
    await projection().project(rejection, positionOf(rejection));
    const refused = await models.expenseMessages.findOne({ _id: 'm2' });
    expect(refused && expenseMessageViewOf(refused)).toMatchObject({
      text: 'hello',
      status: 'REJECTED',
      reason: 'no amount found',
    });
    expect(
      new Set(changes.filter((change) => change.kind === 'REJECTED').map((change) => change.cursor))
        .size,
    ).toBe(1);
  });
});
