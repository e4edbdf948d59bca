import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newEvent } from '@cashtrack/events';
import { mongoForTests, testNamespace, type TestDatabase } from '@cashtrack/test-support';
import {
  mongoParseOutcomeLedger,
  parseOutcomesCollection,
  type ParseOutcomeLedger,
} from '../src/worker/parseOutcomeLedger.ts';

/** The kept outcome on the real MongoDB-protocol server: the first keeper wins, replicas agree. */

const ns = testNamespace();
let database: TestDatabase;
let ledger: ParseOutcomeLedger;

beforeAll(async () => {
  database = await mongoForTests(ns.database);
  ledger = mongoParseOutcomeLedger(parseOutcomesCollection(database.db));
});

afterAll(async () => {
  await database?.close();
});

function rejected(messageId: string, reason: string) {
  return newEvent({
    type: 'ExpenseMessageRejected',
    userId: 'bea',
    aggregateId: messageId,
    aggregateVersion: 2,
    correlationId: `correlation-${messageId}`,
    now: new Date('2026-11-24T10:00:00Z'),
    payload: { reason, parser: 'llm', tokensUsed: 40 },
  });
}

describe('parse outcome ledger', () => {
  it('knows no outcome for a message never parsed', async () => {
    expect(await ledger.keptOutcome('never-parsed')).toBeUndefined();
  });

  it('keeps the first outcome and answers it to a later keeper, as stored', async () => {
    const first = [rejected('m1', 'No amount')];
    expect(await ledger.keepFirst('m1', first)).toEqual({ events: first, keptNow: true });
    expect(await ledger.keepFirst('m1', [rejected('m1', 'Something else')])).toEqual({
      events: first,
      keptNow: false,
    });
    expect(await ledger.keptOutcome('m1')).toEqual(first);
  });

  it('lets two replicas keeping at once agree on one outcome', async () => {
    const [a, b] = await Promise.all([
      ledger.keepFirst('m2', [rejected('m2', 'from replica a')]),
      ledger.keepFirst('m2', [rejected('m2', 'from replica b')]),
    ]);
    expect(a.events).toEqual(b.events);
    expect([a.keptNow, b.keptNow].sort()).toEqual([false, true]);
    expect(await ledger.keptOutcome('m2')).toEqual(a.events);
  });
});
