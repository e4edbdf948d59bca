import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Producer } from 'kafkajs';
import { waitFor } from '@cashtrack/platform';
import { mongoForTests, testNamespace, type TestDatabase } from '@cashtrack/test-support';
import type { ExpenseChange, ReportExpenseChanges } from '../src/projections/expenseChanges.ts';
import {
  openChangeEvents,
  openChangeLog,
  type ChangeEvents,
  type ChangeLog,
} from '../src/subscriptions/changeLog.ts';
import type { ChangeNotice } from '../src/subscriptions/changeNotifications.ts';
import { changeReporter } from '../src/subscriptions/changeReporter.ts';

/**
 * Found by the restart test (test/restart): a parser worker killed after publishing a message's
 * expense but before committing the message publishes the same event (same id) again at a later
 * offset, and subscribers heard the expense ADDED twice, under two cursors.
 */
describe('changeReporter', () => {
  const namespace = testNamespace();
  let database: TestDatabase;
  let changeLog: ChangeLog;
  let changeEvents: ChangeEvents;
  let report: ReportExpenseChanges;
  const announced: ChangeNotice[] = [];
  const delivered: ChangeNotice[] = [];
  const producer: Pick<Producer, 'send'> = {
    send: async (record) => {
      for (const message of record.messages) {
        announced.push(JSON.parse(String(message.value)) as ChangeNotice);
      }
      return [];
    },
  };

  beforeAll(async () => {
    database = await mongoForTests(namespace.database);
    changeLog = await openChangeLog(database.db);
    changeEvents = openChangeEvents(database.db);
    report = changeReporter(changeLog, changeEvents, producer, 'changes', {
      deliver: (notice) => void delivered.push(notice),
    });
  });

  afterAll(async () => {
    await database?.close();
  });

  function added(eventId: string, cursor: string, userId = 'user-1'): ExpenseChange {
    return {
      cursor,
      kind: 'ADDED',
      userId,
      eventId,
      correlationId: `correlation-${eventId}`,
      expenseId: `expense-${eventId}`,
      expense: null,
      messageId: null,
      occurredAt: '2026-11-26T10:00:00.000Z',
    };
  }

  const cursorsOf = async (userId: string): Promise<string[]> =>
    (await changeLog.find({ userId }).sort({ _id: 1 }).toArray()).map((entry) => entry._id);

  it('logs an event once, at the cursor it was first reported at, whatever is published again', async () => {
    await report([added('a', '00001-0001')]);
    // Redelivered at the same offset (the projector died before committing): logged again, same entry.
    await report([added('a', '00001-0001')]);
    // Published again at a later offset (its producer died before committing): not heard again.
    await report([added('a', '00001-0005'), added('b', '00001-0006')]);
    // Both copies in one batch: the first in the topic counts.
    await report([added('c', '00001-0007'), added('c', '00001-0009')]);

    expect(await cursorsOf('user-1')).toEqual(['00001-0001', '00001-0006', '00001-0007']);
    expect(announced.map((notice) => notice.cursor)).toEqual([
      '00001-0001',
      '00001-0001',
      '00001-0006',
      '00001-0007',
    ]);
    expect(delivered).toEqual(announced);
  });

  it('keeps what a change was when it is redelivered after the expense moved on', async () => {
    const atVersion = (version: number): ExpenseChange => ({
      ...added('d', '00002-0001', 'user-2'),
      expense: {
        id: 'expense-d',
        userId: 'user-2',
        amountMinor: 100 * version,
        currency: 'USD',
        category: 'dining',
        description: `version ${version}`,
        occurredOn: '2026-11-26',
        source: 'MANUAL',
        messageId: null,
        parsedBy: null,
        guessed: false,
        createdAt: '2026-11-26T10:00:00.000Z',
        updatedAt: '2026-11-26T10:00:00.000Z',
        version,
        pending: false,
      },
    });
    await report([atVersion(1)]);
    // The projector applied version 2 too, then died before committing: the ADDED is redelivered
    // with the document as it is now.
    await report([atVersion(2)]);
    const logged = await changeLog.findOne({ _id: '00002-0001' });
    expect(logged?.expense).toMatchObject({ version: 1, description: 'version 1' });
  });

  it('records first deliveries while the read models are written, and logs and tells nothing before they are', async () => {
    let finishWrites = (): void => undefined;
    const written = new Promise<void>((resolve) => (finishWrites = resolve));
    const before = announced.length;
    const reporting = report([added('e', '00003-0001', 'user-3')], written);
    await waitFor(async () => (await changeEvents.findOne({ _id: 'e' })) !== null, {
      description: 'the first delivery recorded',
    });
    expect(await cursorsOf('user-3')).toEqual([]);
    expect(announced).toHaveLength(before);
    expect(delivered).toHaveLength(before);

    finishWrites();
    await reporting;
    expect(await cursorsOf('user-3')).toEqual(['00003-0001']);
    expect(announced.slice(before).map((notice) => notice.cursor)).toEqual(['00003-0001']);
  });

  it('logs and tells nothing when the read models could not be written', async () => {
    const before = announced.length;
    const failed = Promise.reject(new Error('PROJECTION_CONFLICT'));
    await expect(report([added('f', '00004-0001', 'user-4')], failed)).rejects.toThrow(
      'PROJECTION_CONFLICT',
    );
    expect(await cursorsOf('user-4')).toEqual([]);
    expect(announced).toHaveLength(before);
    // The redelivery, once the writes succeed, is reported at the same cursor.
    await report([added('f', '00004-0001', 'user-4')]);
    expect(await cursorsOf('user-4')).toEqual(['00004-0001']);
  });

  it('reports nothing, and announces nothing, for a batch of copies only', async () => {
    const before = announced.length;
    await report([added('a', '00001-0010'), added('b', '00001-0011')]);
    expect(announced).toHaveLength(before);
    expect(await cursorsOf('user-1')).toEqual(['00001-0001', '00001-0006', '00001-0007']);
  });
});
