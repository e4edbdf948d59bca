import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newEvent, type CashTrackEvent, type PositionedEvent } from '@cashtrack/events';
import { mongoForTests, testNamespace, type TestDatabase } from '@cashtrack/test-support';
import { expenseReadModelProjections } from '../src/projections/expenseReadModelProjections.ts';
import type { BoundReadModel } from '../src/projections/readModelProjection.ts';
import {
  at,
  deleted,
  groceries,
  recorded,
  registered,
  rejected,
  submitted,
  updated,
} from './support/sampleEvents.ts';

/** A user's history touching every read model: settings, expenses and totals, messages. */
function historyOf(userId: string): CashTrackEvent[] {
  return [
    registered(userId),
    newEvent({
      type: 'UserProfileUpdated',
      userId,
      aggregateId: userId,
      aggregateVersion: 2,
      payload: { currency: 'EUR' },
      correlationId: `corr-${userId}`,
      now: at,
    }),
    recorded(userId, `${userId}-a`),
    updated(userId, `${userId}-a`, 2, {
      ...groceries,
      amountMinor: 7000,
      occurredOn: '2026-10-02',
    }),
    recorded(userId, `${userId}-b`, { ...groceries, category: 'dining' }),
    deleted(userId, `${userId}-b`, 2),
    submitted(userId, `${userId}-m1`),
    recorded(userId, `${userId}-c`, groceries, {
      messageId: `${userId}-m1`,
      position: 0,
      count: 1,
      parser: 'rules',
      tokensUsed: 0,
    }),
    rejected(userId, `${userId}-m2`),
  ];
}

/** Read model documents are keyed by our own string ids. */
interface KeyedDocument {
  readonly _id: string;
  readonly [field: string]: unknown;
}

/** Each event its own place in the topic, the same on every delivery. */
const offsets = new Map<string, number>();
const positioned = (event: CashTrackEvent): PositionedEvent => {
  if (!offsets.has(event.eventId)) offsets.set(event.eventId, offsets.size);
  return { event, partition: 0, offset: String(offsets.get(event.eventId)) };
};

describe.each(
  expenseReadModelProjections().map((projection) => ({ name: projection.name, projection })),
)('the $name read model', ({ projection }) => {
  let database: TestDatabase;
  let model: BoundReadModel;

  beforeAll(async () => {
    database = await mongoForTests(testNamespace().database);
    model = projection.bind(database.db);
    await model.prepare();
  });

  afterAll(async () => {
    await database.close();
  });

  async function apply(...events: CashTrackEvent[]): Promise<void> {
    const planned = await model.plan(events.map(positioned));
    expect(planned.gaps).toEqual([]);
    await planned.commit();
  }

  /** Every document of the read model's collections that belongs to `userId`. */
  async function documentsOf(userId: string): Promise<Record<string, KeyedDocument[]>> {
    const entries = await Promise.all(
      [projection.name, ...projection.companions].map(async (name) => {
        const documents = await database.db
          .collection<KeyedDocument>(name)
          // A user's settings are keyed by the user id alone.
          .find({ $or: [{ userId }, { _id: userId }] })
          .sort({ _id: 1 })
          .toArray();
        return [name, documents] as const;
      }),
    );
    return Object.fromEntries(entries);
  }

  it('is built from the history, in each of its collections', async () => {
    await apply(...historyOf('ann'));
    for (const documents of Object.values(await documentsOf('ann'))) {
      expect(documents.length).toBeGreaterThan(0);
    }
  });

  it('applied twice changes nothing, in one batch or event by event', async () => {
    const history = historyOf('ben');
    await apply(...history);
    const once = await documentsOf('ben');
    await apply(...history);
    for (const event of history) await apply(event);
    expect(await documentsOf('ben')).toEqual(once);
  });

  it('ignores an older event that arrives after a newer one', async () => {
    const history = historyOf('cid');
    await apply(...history);
    const after = await documentsOf('cid');
    for (const event of history.slice(0, -1).reverse()) await apply(event);
    expect(await documentsOf('cid')).toEqual(after);
  });

  it('gives the same documents for the history in one batch or in pieces', async () => {
    const rename = (value: unknown, from: string, to: string): unknown =>
      JSON.parse(JSON.stringify(value).replaceAll(from, to));
    const whole = historyOf('dee');
    await apply(...whole);
    const pieces = historyOf('eve');
    await apply(...pieces.slice(0, 4));
    await apply(...pieces.slice(2, 7)); // overlapping, as a redelivery split differently
    await apply(...pieces.slice(7));
    // Ids, revisions and event ids differ from user to user; the content must not.
    const content = async (userId: string) =>
      Object.values(await documentsOf(userId))
        .flat()
        .map(
          ({
            _id,
            revision,
            appliedEvents,
            appliedChanges,
            settledThrough,
            submittedEventId,
            ...rest
          }) => rest,
        );
    expect(rename(await content('eve'), 'eve', 'dee')).toEqual(await content('dee'));
  });
});
