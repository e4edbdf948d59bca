import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Document } from 'mongodb';
import { mongoForTests, testNamespace, type TestDatabase } from '@cashtrack/test-support';
import type { CashTrackEvent, PositionedEvent } from '@cashtrack/events';
import type { ExpenseChange } from '../src/projections/expenseChanges.ts';
import { prepareExpenseReadModels } from '../src/projections/expenseReadModelProjections.ts';
import { createExpenseProjection } from '../src/projections/expenseProjector.ts';
import {
  projectorStepsChannel,
  type ProjectorStepTimings,
} from '../src/projections/projectorStepTimings.ts';
import { totalsOfCells } from '../src/readModels/bucketCells.ts';
import { expenseMessageViewOf } from '../src/readModels/expenseMessagesReadModel.ts';
import { readModelNames } from '../src/readModels/readModelNames.ts';
import { expenseReadModels, type ExpenseReadModels } from '../src/readModels/readModels.ts';
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
const positioned = <Event extends CashTrackEvent>(event: Event): PositionedEvent<Event> => {
  if (!offsets.has(event.eventId)) offsets.set(event.eventId, offsets.size);
  return { event, partition: 0, offset: String(offsets.get(event.eventId)) };
};

describe('the expense projection on the MongoDB-protocol server', () => {
  let database: TestDatabase;
  let models: ExpenseReadModels;
  const changes: ExpenseChange[] = [];
  const projection = () =>
    createExpenseProjection(database.db, async (reported, readModelsWritten) => {
      await readModelsWritten;
      changes.push(...reported);
    });
  const project = (...events: CashTrackEvent[]) =>
    projection().projectBatch(events.map(positioned));

  /** The kind of each distinct change, in the order first reported. */
  const changeKindsByCursor = () => [
    ...new Map(changes.map((change) => [change.cursor, change.kind])).values(),
  ];

  beforeAll(async () => {
    database = await mongoForTests(testNamespace().database);
    models = expenseReadModels(database.db);
    await prepareExpenseReadModels(database.db);
  });

  afterAll(async () => {
    await database.close();
  });

  /** Every document of every read model of one user, for "nothing changed" comparisons. */
  async function snapshot(): Promise<Record<string, Document[]>> {
    const all = async (name: string) =>
      database.db.collection<Document>(name).find({}).sort({ _id: 1 }).toArray();
    return {
      expenses: await all(readModelNames.expenses),
      expenseMessages: await all(readModelNames.expenseMessages),
      spendingTotals: await all(readModelNames.spendingTotals),
    };
  }

  /** A bucket's totals as summaries read them (its cells are one packed text). */
  async function monthTotals(userId: string, month: string): Promise<Document | null> {
    const bucket = await models.spendingTotals.findOne({ userId, month, currency: 'USD' });
    return bucket === null ? null : { ...bucket, ...totalsOfCells(bucket.cells) };
  }

  it('applies each event once: the same history twice changes nothing, totals included', async () => {
    const history = [
      recorded('u1', 'e1'),
      updated('u1', 'e1', 2, { ...groceries, amountMinor: 7000, category: 'dining' }),
      recorded('u1', 'e2', { ...groceries, amountMinor: 1000 }),
      deleted('u1', 'e2', 2),
    ];
    for (const event of history) await project(event);
    const once = await snapshot();
    for (const event of history) await project(event);
    expect(await snapshot()).toEqual(once);

    // The groceries moved to dining: their cell, back at zero, is left out.
    const november = await monthTotals('u1', '2026-11');
    expect(november).toMatchObject({
      byCategory: { dining: { amountMinor: 7000, count: 1 } },
      byDay: { '24': { dining: { amountMinor: 7000, count: 1 } } },
    });
    expect(november?.byCategory).not.toHaveProperty('groceries');
    // A redelivered event is reported again under the same cursor (the change log keeps one
    // entry per cursor), so subscribers hear each change once.
    expect(changeKindsByCursor()).toEqual(['ADDED', 'UPDATED', 'ADDED', 'DELETED']);
  });

  it('ignores an older event after a newer one and refuses to skip a missing one', async () => {
    const first = recorded('u2', 'e3');
    const second = updated('u2', 'e3', 2, { ...groceries, amountMinor: 2000 });
    const third = updated('u2', 'e3', 3, { ...groceries, amountMinor: 3000 });
    await project(first);
    await expect(project(third)).rejects.toMatchObject({
      code: 'PROJECTION_GAP',
    });
    await project(second);
    await project(third);
    const after = await snapshot();
    await project(second);
    await project(first);
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
    for (const event of [first, winner, loser]) await project(event);
    const document = await models.expenses.findOne({ _id: 'e4' });
    expect(document).toMatchObject({ amountMinor: 100, aggregateVersion: 2 });
    expect(document?.appliedEvents.at(-1)).toEqual({ version: 2, eventId: winner.eventId });
    expect(await monthTotals('u3', '2026-11')).toMatchObject({
      byCategory: { groceries: { amountMinor: 100, count: 1 } },
    });
  });

  it('counts a change once when a crash fell between the buckets and the expenses', async () => {
    const first = recorded('u4', 'e5');
    const second = recorded('u4', 'e6', { ...groceries, amountMinor: 700, category: 'dining' });
    await project(first, second);
    const written = await snapshot();
    // The buckets were written, then the process died before the expense documents: put them
    // back as that moment left them, and deliver the events again, in another split.
    await models.expenses.deleteMany({ _id: { $in: ['e5', 'e6'] } });
    await project(first);
    await project(second);
    expect(await snapshot()).toEqual(written);
    expect(await monthTotals('u4', '2026-11')).toMatchObject({
      byCategory: {
        groceries: { amountMinor: 5000, count: 1 },
        dining: { amountMinor: 700, count: 1 },
      },
    });
  });

  it('gives the same read models for a history in one batch, in pieces, or event by event', async () => {
    const historyOf = (userId: string): CashTrackEvent[] => [
      recorded(userId, `${userId}-a`),
      recorded(userId, `${userId}-b`, { ...groceries, amountMinor: 250, occurredOn: '2026-10-02' }),
      updated(userId, `${userId}-a`, 2, {
        ...groceries,
        amountMinor: 4000,
        occurredOn: '2026-10-03',
      }),
      updated(userId, `${userId}-a`, 2, { ...groceries, amountMinor: 1 }),
      deleted(userId, `${userId}-b`, 2),
      updated(userId, `${userId}-a`, 3, { ...groceries, category: 'dining' }),
    ];
    const byUser = async (userId: string) => {
      const all = await snapshot();
      const mine = (documents: Document[]) =>
        documents
          .filter((document) => document.userId === userId)
          .map(({ _id, appliedEvents, appliedChanges, settledThrough, revision, ...rest }) => rest);
      return { expenses: mine(all.expenses ?? []), totals: mine(all.spendingTotals ?? []) };
    };
    const whole = historyOf('u6');
    await project(...whole);
    const pieces = historyOf('u7');
    await project(...pieces.slice(0, 3));
    await project(...pieces.slice(1, 5)); // overlapping: a redelivery split differently
    await project(...pieces.slice(5));
    for (const event of historyOf('u8')) await project(event);
    const expected = await byUser('u6');
    const rename = (value: unknown, from: string, to: string): unknown =>
      JSON.parse(JSON.stringify(value).replaceAll(from, to));
    expect(rename(await byUser('u7'), 'u7', 'u6')).toEqual(expected);
    expect(rename(await byUser('u8'), 'u8', 'u6')).toEqual(expected);
    expect(await monthTotals('u6', '2026-11')).toMatchObject({
      byCategory: { dining: { amountMinor: 5000, count: 1 } },
    });
    expect((await monthTotals('u6', '2026-10'))?.byCategory).toEqual({});
  });

  it('applies a change that arrives after newer ones of its bucket, as a rebuild catching up does', async () => {
    const late = recorded('u9', 'e9-late');
    const newer = recorded('u9', 'e9-newer', { ...groceries, amountMinor: 100 });
    positioned(late); // its place in the topic comes first
    await project(newer);
    await project(late);
    await project(late, newer);
    expect(await monthTotals('u9', '2026-11')).toMatchObject({
      byCategory: { groceries: { amountMinor: 5100, count: 2 } },
    });
  });

  it('notices a bucket someone else wrote since it last did, and counts on from what is there', async () => {
    const live = createExpenseProjection(database.db, async () => undefined);
    const mine = recorded('u10', 'e10-a');
    const theirs = recorded('u10', 'e10-b', { ...groceries, amountMinor: 100 });
    const next = recorded('u10', 'e10-c', { ...groceries, amountMinor: 200 });
    await live.projectBatch([positioned(mine)]);
    // Another replica, after a rebalance, writes the same bucket.
    await project(theirs);
    await expect(live.projectBatch([positioned(next)])).rejects.toMatchObject({
      code: 'PROJECTION_CONFLICT',
    });
    await live.projectBatch([positioned(next)]);
    expect(await monthTotals('u10', '2026-11')).toMatchObject({
      byCategory: { groceries: { amountMinor: 5300, count: 3 } },
    });
  });

  it('builds a message from its events in any order, once', async () => {
    const first = parsedFrom('u5', 'm1', 0, 2);
    const second = parsedFrom('u5', 'm1', 1, 2, { ...groceries, amountMinor: 300 });
    for (const event of [second, submitted('u5', 'm1')]) await project(event);
    let message = await models.expenseMessages.findOne({ _id: 'm1' });
    expect(message && expenseMessageViewOf(message)).toMatchObject({ status: 'PENDING' });
    await project(first);
    await project(first);
    message = await models.expenseMessages.findOne({ _id: 'm1' });
    expect(message && expenseMessageViewOf(message)).toMatchObject({
      text: 'coffee 4.50 and bagel 3',
      status: 'PARSED',
      expenseIds: [first.aggregateId, second.aggregateId],
    });

    const rejection = rejected('u5', 'm2');
    await project(rejection);
    const submission = submitted('u5', 'm2', 'hello');
    await project(submission);
    await project(rejection);
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

  it('tells a listener of the step timings which events each batch held, once it is reported', async () => {
    const heard: ProjectorStepTimings[] = [];
    const listen = (message: unknown): void => void heard.push(message as ProjectorStepTimings);
    projectorStepsChannel.subscribe(listen);
    const events = [recorded('u6', 'e61'), recorded('u6', 'e62')];
    try {
      await project(...events);
    } finally {
      projectorStepsChannel.unsubscribe(listen);
    }
    expect(heard.map((steps) => steps.eventIds)).toEqual([events.map((event) => event.eventId)]);
  });
});
