import { describe, expect, it } from '@jest/globals';
import { allHold, checkInvariants, tagIn, type ChaosEvidence } from '../src/invariants.ts';
import type {
  ExpenseValues,
  HeardChange,
  ObservedExpense,
  ObservedUser,
  OperationRecord,
} from '../src/ledger.ts';

const userId = 'user-0001';
const values = (amountMinor: number, description: string): ExpenseValues => ({
  amountMinor,
  category: 'dining',
  description,
  occurredOn: '2026-11-20',
});

let clock = 1_000;
function op(operation: OperationRecord['operation'], acknowledged = true): OperationRecord {
  clock += 100;
  return { userId, startedAt: clock - 50, endedAt: clock, acknowledged, operation };
}

const expense = (
  id: string,
  v: ExpenseValues,
  version = 1,
  messageId: string | null = null,
): ObservedExpense => ({
  id,
  ...v,
  version,
  source: messageId === null ? 'MANUAL' : 'MESSAGE',
  messageId,
});

let cursor = 0;
function change(
  kind: HeardChange['kind'],
  expenseId: string | null,
  version: number | null,
  messageId: string | null = null,
): HeardChange {
  cursor += 1;
  return { cursor: `c${cursor}`, kind, expenseId, version, messageId };
}

/** Summaries that agree with `expenses`, as a healthy system answers. */
function summariesOf(expenses: readonly ObservedExpense[]): ObservedUser['summaries'] {
  const total = expenses.reduce((sum, e) => sum + e.amountMinor, 0);
  const byCategory = new Map<string, { totalMinor: number; count: number }>();
  for (const e of expenses) {
    const group = byCategory.get(e.category) ?? { totalMinor: 0, count: 0 };
    byCategory.set(e.category, {
      totalMinor: group.totalMinor + e.amountMinor,
      count: group.count + 1,
    });
  }
  return [
    {
      groupBy: 'CATEGORY',
      from: '2026-01-01',
      to: '2026-12-31',
      totalMinor: total,
      count: expenses.length,
      groups: [...byCategory].map(([key, group]) => ({ key, ...group })),
    },
  ];
}

/** A healthy run: add, log (two expenses), update, delete; everything heard and present. */
function healthy(): ChaosEvidence {
  const a = values(500, 'manual zqab');
  const a2 = values(700, 'edited zqac');
  const m2 = values(900, 'taxi');
  const operations = [
    op({ kind: 'addExpense', tag: 'zqab', values: a, expenseId: 'e1', version: 1 }),
    op({
      kind: 'logExpense',
      text: 'coffee 4.50 zqad + taxi 9',
      expectedExpenses: 2,
      messageId: 'm1',
    }),
    op({ kind: 'updateExpense', expenseId: 'e1', values: a2, version: 2 }),
    op({ kind: 'deleteExpense', expenseId: 'e2' }),
  ];
  const heard = [
    change('ADDED', 'w0', 1),
    change('ADDED', 'e1', 1),
    change('ADDED', 'e2', 1, 'm1'),
    change('ADDED', 'e3', 1, 'm1'),
    change('UPDATED', 'e1', 2),
    change('DELETED', 'e2', 2, 'm1'),
  ];
  const expenses = [expense('e1', a2, 2), expense('e3', m2, 1, 'm1')];
  return {
    operations: [
      {
        ...op({ kind: 'addExpense', tag: 'zqaa', values: values(100, 'manual zqaa') }),
        warmUp: true,
        operation: {
          kind: 'addExpense',
          tag: 'zqaa',
          values: values(100, 'manual zqaa'),
          expenseId: 'w0',
          version: 1,
        },
      },
      ...operations,
    ],
    subscribers: [{ userId, baseCursor: heard[0]?.cursor, heard, reconnects: 1 }],
    observed: [
      {
        userId,
        expenses: [expense('w0', values(100, 'manual zqaa')), ...expenses],
        messages: new Map([
          ['m1', { id: 'm1', text: 'coffee 4.50 zqad + taxi 9', status: 'PARSED' as const }],
        ]),
        summaries: summariesOf([expense('w0', values(100, 'manual zqaa')), ...expenses]),
        replay: heard.slice(1),
      },
    ],
    deadLetters: 0,
    faults: [{ target: 'expense', killedAt: 1_150, readyAt: 1_300 }],
  };
}

/** The healthy evidence with the one observed user changed. */
function withObserved(change: (user: ObservedUser) => Partial<ObservedUser>): ChaosEvidence {
  const evidence = healthy();
  const [user] = evidence.observed;
  if (user === undefined) throw new Error('no user');
  return { ...evidence, observed: [{ ...user, ...change(user) }] };
}

describe('checkInvariants', () => {
  it('finds nothing wrong in a healthy run and measures fault to next acknowledged write', () => {
    const verdict = checkInvariants(healthy());
    expect(verdict.details).toEqual([]);
    expect(allHold(verdict)).toBe(true);
    expect(verdict.operationsAcknowledged).toBe(5);
    expect(verdict.faultsInjected).toBe(1);
    // Killed at 1 150; the next acknowledged write ended at 1 200.
    expect(verdict.maxFaultToAckMs).toBe(50);
  });

  it('counts an acknowledged add that is absent as lost', () => {
    const verdict = checkInvariants(
      withObserved((user) => ({
        expenses: user.expenses.filter((e) => e.id !== 'e1'),
        summaries: summariesOf(user.expenses.filter((e) => e.id !== 'e1')),
      })),
    );
    expect(verdict.counts.expensesLost).toBe(1);
  });

  it('counts a parsed message short of its expenses as lost, and a PENDING one as unprocessed', () => {
    const evidence = healthy();
    const [user] = evidence.observed;
    if (user === undefined) throw new Error('no user');
    const expenses = user.expenses.filter((e) => e.messageId === null);
    const verdict = checkInvariants({
      ...evidence,
      subscribers: [],
      observed: [
        {
          ...user,
          expenses,
          summaries: summariesOf(expenses),
          replay: [],
          messages: new Map([['m1', { id: 'm1', text: 'x', status: 'PENDING' as const }]]),
        },
      ],
    });
    expect(verdict.counts.expensesLost).toBe(2);
    expect(verdict.counts.messagesUnprocessed).toBe(1);
  });

  it('counts an undone delete and a lost update as lost writes', () => {
    const verdict = checkInvariants(
      withObserved((user) => {
        const expenses = [
          ...user.expenses.map((e) => (e.id === 'e1' ? { ...e, amountMinor: 500 } : e)),
          expense('e2', values(450, 'coffee zqad'), 1, 'm1'),
        ];
        return { expenses, summaries: summariesOf(expenses) };
      }),
    );
    expect(verdict.counts.writesLost).toBe(2);
  });

  it('counts a second copy of an add and a third expense of a two-expense message as duplicated', () => {
    const verdict = checkInvariants(
      withObserved((user) => {
        const expenses = [
          ...user.expenses,
          expense('e9', values(500, 'manual zqab')),
          expense('e10', values(100, 'extra'), 1, 'm1'),
        ];
        return { expenses, summaries: summariesOf(expenses) };
      }),
    );
    expect(verdict.counts.duplicated).toBe(2);
  });

  it('explains one copy of an unacknowledged add or message, but not two', () => {
    const evidence = healthy();
    const failedAdd = op(
      { kind: 'addExpense', tag: 'zqzz', values: values(300, 'manual zqzz') },
      false,
    );
    const failedLog = op({ kind: 'logExpense', text: 'lunch 3 zqzy', expectedExpenses: 1 }, false);
    const [user] = evidence.observed;
    if (user === undefined) throw new Error('no user');
    const once = [
      ...user.expenses,
      expense('u1', values(300, 'manual zqzz')),
      expense('u2', values(300, 'lunch zqzy'), 1, 'mx'),
    ];
    const messages = new Map([
      ...user.messages,
      ['mx', { id: 'mx', text: 'lunch 3 zqzy', status: 'PARSED' as const }],
      ['my', { id: 'my', text: 'lunch 3 zqzy', status: 'PARSED' as const }],
    ]);
    const base = {
      ...evidence,
      subscribers: [],
      operations: [...evidence.operations, failedAdd, failedLog],
    };
    const verdictOnce = checkInvariants({
      ...base,
      observed: [{ ...user, expenses: once, messages, summaries: summariesOf(once), replay: [] }],
    });
    expect(verdictOnce.counts.duplicated).toBe(0);
    const twice = [
      ...once,
      expense('u3', values(300, 'manual zqzz')),
      expense('u4', values(300, 'lunch zqzy'), 1, 'my'),
    ];
    const verdictTwice = checkInvariants({
      ...base,
      observed: [{ ...user, expenses: twice, messages, summaries: summariesOf(twice), replay: [] }],
    });
    expect(verdictTwice.counts.duplicated).toBe(2);
  });

  it('counts a total or a group that differs from the sum of its expenses', () => {
    const verdict = checkInvariants(
      withObserved((user) => ({
        summaries: user.summaries.map((summary) => ({
          ...summary,
          totalMinor: summary.totalMinor + 1,
          groups: summary.groups.map((group) => ({ ...group, count: group.count + 1 })),
        })),
      })),
    );
    expect(verdict.counts.totalsMismatched).toBe(2);
  });

  it('counts versions heard out of order and a final version behind the acknowledged one', () => {
    const evidence = healthy();
    const [subscriber] = evidence.subscribers;
    if (subscriber === undefined) throw new Error('no subscriber');
    const heard = [...subscriber.heard, change('UPDATED', 'e1', 2)];
    const outOfOrder = checkInvariants({
      ...evidence,
      subscribers: [{ ...subscriber, heard }],
    });
    expect(outOfOrder.counts.versionsOutOfOrder).toBe(1);
    const behind = checkInvariants(
      withObserved((user) => ({
        expenses: user.expenses.map((e) => (e.id === 'e1' ? { ...e, version: 1 } : e)),
      })),
    );
    expect(behind.counts.versionsOutOfOrder).toBe(1);
  });

  it('counts changes replayed but not heard live, acknowledged writes never heard, and repeats', () => {
    const evidence = healthy();
    const [subscriber] = evidence.subscribers;
    if (subscriber === undefined) throw new Error('no subscriber');
    // The UPDATED of e1 was never heard live, though the replay has it.
    const heard = subscriber.heard.filter((c) => c.kind !== 'UPDATED');
    const missed = checkInvariants({ ...evidence, subscribers: [{ ...subscriber, heard }] });
    expect(missed.counts.changesMissed).toBe(2);
    const repeated = [...subscriber.heard, subscriber.heard[2] as HeardChange];
    const twice = checkInvariants({
      ...evidence,
      subscribers: [{ ...subscriber, heard: repeated }],
    });
    expect(twice.counts.changesHeardTwice).toBe(1);
  });

  it('counts dead letters, a fault that never recovered, and one no write followed', () => {
    const verdict = checkInvariants({
      ...healthy(),
      deadLetters: 3,
      faults: [
        { target: 'kafka', killedAt: 1_000, readyAt: undefined, error: 'never answered' },
        { target: 'user', killedAt: 99_000, readyAt: 99_500 },
      ],
    });
    expect(verdict.counts.deadLetters).toBe(3);
    expect(verdict.counts.faultsNotRecovered).toBe(2);
    expect(allHold(verdict)).toBe(false);
  });
});

describe('tagIn', () => {
  it('finds the workload tag in a description', () => {
    expect(tagIn('manual zqabc')).toBe('zqabc');
    expect(tagIn('groceries for zqx today')).toBe('zqx');
    expect(tagIn('coffee')).toBeUndefined();
  });
});
