import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@cashtrack/test-support';
import {
  gatewayClient,
  gql,
  type ClientAnswer,
} from '../../../gateway/test/support/apolloClient.ts';
import { startSystem, type RunningSystem } from '../../../gateway/test/support/system.ts';
import { invalidExpenseInputs, invalidMessageTexts } from './support/invalidInputs.ts';

/**
 * The expense subgraph end to end: the whole system in-process (auth, user, expense, the parser
 * worker with the rules parser, the gateway), driven through the gateway by Apollo Client, with
 * users signed up through `signUp`.
 */

interface Session {
  readonly accessToken: string;
  readonly user: { readonly id: string; readonly displayName: string };
}

interface Money {
  amountMinor: number;
  currency: string;
  amount: string;
}

interface ExpenseShape {
  id: string;
  amount: Money;
  category: string;
  description: string;
  occurredOn: string;
  source: 'MANUAL' | 'MESSAGE';
  messageId: string | null;
  version: number;
  pending: boolean;
}

interface Connection {
  edges: { cursor: string; node: ExpenseShape }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

interface Summary {
  from: string;
  to: string;
  groupBy: string;
  currency: string;
  total: Money;
  count: number;
  groups: { key: string; total: Money; count: number }[];
  otherCurrencies: string[];
}

interface MessageShape {
  id: string;
  text: string;
  status: 'PENDING' | 'PARSED' | 'REJECTED';
  reason: string | null;
  expenses: ExpenseShape[];
}

const expenseFields = `
  id
  amount { amountMinor currency amount }
  category
  description
  occurredOn
  source
  messageId
  version
  pending
`;
const connectionFields = `
  edges { cursor node { ${expenseFields} } }
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
`;
const summaryFields = `
  from to groupBy currency
  total { amountMinor currency amount }
  count
  groups { key count total { amountMinor currency amount } }
  otherCurrencies
`;

const signUp = gql`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      accessToken
      user {
        id
        displayName
      }
    }
  }
`;
const addExpense = gql`
  mutation Add($input: ExpenseInput!) {
    addExpense(input: $input) { ${expenseFields} }
  }
`;
const updateExpense = gql`
  mutation Update($id: ID!, $input: ExpenseInput!, $expectedVersion: Int) {
    updateExpense(id: $id, input: $input, expectedVersion: $expectedVersion) { ${expenseFields} }
  }
`;
const deleteExpense = gql`
  mutation Delete($id: ID!, $expectedVersion: Int) {
    deleteExpense(id: $id, expectedVersion: $expectedVersion)
  }
`;
const expenseById = gql`
  query Expense($id: ID!) {
    expense(id: $id) { ${expenseFields} }
  }
`;
const expenseWithUser = gql`
  query ExpenseWithUser($id: ID!) {
    expense(id: $id) {
      id
      user {
        id
        displayName
      }
    }
  }
`;
const listExpenses = gql`
  query List($filter: ExpenseFilter, $first: Int, $after: String) {
    expenses(filter: $filter, first: $first, after: $after) { ${connectionFields} }
  }
`;
const spendingSummary = gql`
  query Summary($from: String!, $to: String!, $groupBy: SpendingGroupBy!, $currency: String) {
    spendingSummary(from: $from, to: $to, groupBy: $groupBy, currency: $currency) {
      ${summaryFields}
    }
  }
`;
const mine = gql`
  query Mine($first: Int, $from: String!, $to: String!, $groupBy: SpendingGroupBy!) {
    me {
      id
      displayName
      expenses(first: $first) { ${connectionFields} }
      spending(from: $from, to: $to, groupBy: $groupBy) { ${summaryFields} }
    }
  }
`;
const logExpense = gql`
  mutation Log($text: String!) {
    logExpense(text: $text) {
      id
      text
      status
      reason
      expenses { ${expenseFields} }
    }
  }
`;
const expenseMessage = gql`
  query Message($id: ID!) {
    expenseMessage(id: $id) {
      id
      text
      status
      reason
      expenses { ${expenseFields} }
    }
  }
`;

let system: RunningSystem;
let sequence = 0;
/** Every answer of the run, to show the gateway's rate limiter never stepped in. */
const answers: ClientAnswer<unknown>[] = [];

/** Apollo Client through the gateway as `session`'s user; records each answer. */
function as(session: Session | undefined) {
  const client = gatewayClient(system.graphqlUrl, session?.accessToken);
  const record = <Data>(answer: ClientAnswer<Data>): ClientAnswer<Data> => {
    answers.push(answer);
    return answer;
  };
  return {
    query: async <Data>(query: Parameters<typeof client.query>[0], variables = {}) =>
      record(await client.query<Data>(query, variables)),
    mutate: async <Data>(mutation: Parameters<typeof client.mutate>[0], variables = {}) =>
      record(await client.mutate<Data>(mutation, variables)),
  };
}

function dataOf<Data>(answer: ClientAnswer<Data>): Data {
  expect(answer.codes).toEqual([]);
  if (answer.data === null || answer.data === undefined) throw new Error('no data in the answer');
  return answer.data;
}

async function newUser(name: string): Promise<Session> {
  sequence += 1;
  const answer = await as(undefined).mutate<{ signUp: Session }>(signUp, {
    input: {
      email: `${name}.${sequence}.${Date.now()}@example.com`,
      password: 'correct horse battery',
      displayName: `${name} ${sequence}`,
    },
  });
  return dataOf(answer).signUp;
}

async function add(session: Session, input: Record<string, unknown>): Promise<ExpenseShape> {
  return dataOf(await as(session).mutate<{ addExpense: ExpenseShape }>(addExpense, { input }))
    .addExpense;
}

async function list(
  session: Session,
  variables: { filter?: Record<string, unknown>; first?: number; after?: string } = {},
): Promise<Connection> {
  return dataOf(await as(session).query<{ expenses: Connection }>(listExpenses, variables))
    .expenses;
}

async function summary(
  session: Session,
  variables: { from: string; to: string; groupBy: string; currency?: string },
): Promise<Summary> {
  return dataOf(await as(session).query<{ spendingSummary: Summary }>(spendingSummary, variables))
    .spendingSummary;
}

/** Today in UTC (new users keep UTC), read before and after the call that needs it. */
function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

function money(amountMinor: number, currency = 'USD'): Money {
  const major = (amountMinor / 100).toFixed(2);
  return { amountMinor, currency, amount: major };
}

beforeAll(async () => {
  system = await startSystem();
}, 120_000);

afterAll(async () => {
  await system?.stop();
});

describe('expenses through the gateway, with Apollo Client', () => {
  it('adds an expense that the next query includes, with its user resolved by the user subgraph', async () => {
    const alice = await newUser('Alice');
    const before = todayUtc();
    const expense = await add(alice, {
      amount: '12.5',
      category: 'Dining',
      description: 'Lunch',
    });
    expect(expense).toMatchObject({
      amount: money(1250),
      category: 'dining',
      description: 'Lunch',
      source: 'MANUAL',
      messageId: null,
      version: 1,
      pending: false,
    });
    expect([before, todayUtc()]).toContain(expense.occurredOn);

    const read = dataOf(await as(alice).query<{ expense: ExpenseShape }>(expenseById, expense));
    expect(read.expense).toEqual(expense);
    expect((await list(alice)).edges.map((edge) => edge.node)).toEqual([expense]);

    // Expense.user crosses into the user subgraph through federation.
    const withUser = dataOf(
      await as(alice).query<{ expense: { id: string; user: Session['user'] } }>(expenseWithUser, {
        id: expense.id,
      }),
    );
    expect(withUser.expense).toEqual({
      __typename: 'Expense',
      id: expense.id,
      user: { __typename: 'User', id: alice.user.id, displayName: alice.user.displayName },
    });
  });

  it('updates and deletes, refusing a stale expectedVersion with CONFLICT', async () => {
    const alice = await newUser('Alice');
    const expense = await add(alice, {
      amount: '5',
      category: 'transport',
      occurredOn: '2026-11-20',
    });
    const changed = dataOf(
      await as(alice).mutate<{ updateExpense: ExpenseShape }>(updateExpense, {
        id: expense.id,
        input: { amount: '6', category: 'transport', occurredOn: '2026-11-20', description: 'bus' },
        expectedVersion: 1,
      }),
    ).updateExpense;
    expect(changed).toMatchObject({
      id: expense.id,
      version: 2,
      description: 'bus',
      amount: money(600),
      pending: false,
    });
    expect((await list(alice)).edges.map((edge) => edge.node)).toEqual([changed]);

    const stale = await as(alice).mutate(updateExpense, {
      id: expense.id,
      input: { amount: '7', category: 'transport' },
      expectedVersion: 1,
    });
    expect(stale.codes).toEqual(['CONFLICT']);
    const staleDelete = await as(alice).mutate(deleteExpense, {
      id: expense.id,
      expectedVersion: 1,
    });
    expect(staleDelete.codes).toEqual(['CONFLICT']);
    // Neither refused change went through.
    const unchanged = dataOf(
      await as(alice).query<{ expense: ExpenseShape }>(expenseById, expense),
    );
    expect(unchanged.expense).toEqual(changed);

    const removed = await as(alice).mutate<{ deleteExpense: string }>(deleteExpense, {
      id: expense.id,
      expectedVersion: 2,
    });
    expect(dataOf(removed).deleteExpense).toBe(expense.id);
    expect((await as(alice).query(expenseById, expense)).codes).toEqual(['NOT_FOUND']);
    expect((await list(alice)).edges).toEqual([]);
    expect((await as(alice).mutate(deleteExpense, { id: expense.id })).codes).toEqual([
      'NOT_FOUND',
    ]);
  });

  it("answers NOT_FOUND for another user's expense and message, and lists none of them", async () => {
    const alice = await newUser('Alice');
    const bob = await newUser('Bob');
    const expense = await add(alice, { amount: '3', category: 'gifts', description: 'flowers' });
    const message = dataOf(
      await as(alice).mutate<{ logExpense: MessageShape }>(logExpense, { text: 'flowers 3' }),
    ).logExpense;

    const attempts = await Promise.all([
      as(bob).query(expenseById, { id: expense.id }),
      as(bob).query(expenseWithUser, { id: expense.id }),
      as(bob).query(expenseMessage, { id: message.id }),
      as(bob).mutate(updateExpense, {
        id: expense.id,
        input: { amount: '1', category: 'gifts' },
      }),
      as(bob).mutate(deleteExpense, { id: expense.id }),
    ]);
    for (const answer of attempts) expect(answer.codes).toEqual(['NOT_FOUND']);
    expect((await list(bob)).edges).toEqual([]);
    expect((await list(bob, { filter: { search: 'flowers' } })).edges).toEqual([]);

    // Alice's expense is untouched by Bob's attempts.
    const read = dataOf(await as(alice).query<{ expense: ExpenseShape }>(expenseById, expense));
    expect(read.expense).toEqual(expense);
  });

  it('logs "Spent $50 on groceries today": PENDING at once, then PARSED into one expense', async () => {
    const alice = await newUser('Alice');
    const text = 'Spent $50 on groceries today';
    const before = todayUtc();
    const logged = dataOf(
      await as(alice).mutate<{ logExpense: MessageShape }>(logExpense, { text }),
    ).logExpense;
    expect(logged).toMatchObject({ text, status: 'PENDING', reason: null, expenses: [] });

    const parsed = await waitFor(
      async () => {
        const answer = await as(alice).query<{ expenseMessage: MessageShape }>(expenseMessage, {
          id: logged.id,
        });
        const message = dataOf(answer).expenseMessage;
        // The message may read PARSED a moment before its expense is listed: the projector
        // writes the message before the expense document.
        if (message.status === 'PARSED' && message.expenses.length === 0) return undefined;
        return message.status === 'PENDING' ? undefined : message;
      },
      { timeoutMs: 30_000, description: 'the message parsed' },
    );
    expect(parsed).toMatchObject({ id: logged.id, text, status: 'PARSED', reason: null });
    expect(parsed.expenses).toHaveLength(1);
    const [expense] = parsed.expenses;
    expect(expense).toMatchObject({
      amount: money(5000),
      category: 'groceries',
      source: 'MESSAGE',
      messageId: logged.id,
      version: 1,
      pending: false,
    });
    expect([before, todayUtc()]).toContain(expense?.occurredOn);
    // The parsed expense is an expense like any other: listed, and summarised.
    expect((await list(alice)).edges.map((edge) => edge.node)).toEqual(parsed.expenses);
  });

  it('logs a text without an expense: PENDING, then REJECTED with a reason', async () => {
    const alice = await newUser('Alice');
    const text = 'hello, how are you today?';
    const logged = dataOf(
      await as(alice).mutate<{ logExpense: MessageShape }>(logExpense, { text }),
    ).logExpense;
    expect(logged.status).toBe('PENDING');

    const rejected = await waitFor(
      async () => {
        const answer = await as(alice).query<{ expenseMessage: MessageShape }>(expenseMessage, {
          id: logged.id,
        });
        const message = dataOf(answer).expenseMessage;
        return message.status === 'PENDING' ? undefined : message;
      },
      { timeoutMs: 30_000, description: 'the message rejected' },
    );
    expect(rejected).toMatchObject({ id: logged.id, text, status: 'REJECTED', expenses: [] });
    expect(rejected.reason).toEqual(expect.stringMatching(/\S/));
    expect((await list(alice)).edges).toEqual([]);
  });

  describe('listing, paging, filtering and summarising', () => {
    let carol: Session;
    /** Carol's expenses by label, as addExpense answered them. */
    const expenses: Record<string, ExpenseShape> = {};
    /** Every one of Carol's expenses, newest first (occurredOn, then id, both descending). */
    let newestFirst: ExpenseShape[];

    beforeAll(async () => {
      carol = await newUser('Carol');
      const inputs: [string, Record<string, unknown>][] = [
        [
          'market',
          {
            amount: '10',
            category: 'groceries',
            occurredOn: '2026-10-05',
            description: 'Market (weekly)',
          },
        ],
        [
          'coffee',
          { amount: '4.50', category: 'dining', occurredOn: '2026-10-31', description: 'Coffee' },
        ],
        [
          'beans',
          {
            amount: '3',
            category: 'dining',
            occurredOn: '2026-11-01',
            description: 'coffee beans',
          },
        ],
        [
          'train',
          { amount: '20', category: 'transport', occurredOn: '2026-11-01', description: 'Train' },
        ],
        [
          'bakery',
          {
            amount: '7.25',
            category: 'groceries',
            occurredOn: '2026-11-15',
            description: 'Bakery',
          },
        ],
        [
          'croissant',
          {
            amount: '5',
            currency: 'EUR',
            category: 'dining',
            occurredOn: '2026-11-16',
            description: 'Croissant in Paris',
          },
        ],
        [
          'old',
          { amount: '99', category: 'housing', occurredOn: '2026-08-31', description: 'Rent' },
        ],
      ];
      for (const [label, input] of inputs) expenses[label] = await add(carol, input);
      newestFirst = Object.values(expenses).sort(
        (a, b) => b.occurredOn.localeCompare(a.occurredOn) || (b.id < a.id ? -1 : 1),
      );
    });

    const labelsOf = (connection: Connection): string[] =>
      connection.edges.map(
        (edge) =>
          Object.entries(expenses).find(([, expense]) => expense.id === edge.node.id)?.[0] ?? '?',
      );

    it('lists newest first', async () => {
      const all = await list(carol);
      expect(all.edges.map((edge) => edge.node)).toEqual(newestFirst);
      expect(all.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
      expect(all.pageInfo.startCursor).toBe(all.edges[0]?.cursor);
      expect(all.pageInfo.endCursor).toBe(all.edges.at(-1)?.cursor);
    });

    it('pages with first and after, every expense once, in order', async () => {
      const seen: ExpenseShape[] = [];
      const pages: Connection[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await list(carol, { first: 3, ...(after === undefined ? {} : { after }) });
        pages.push(page);
        seen.push(...page.edges.map((edge) => edge.node));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor ?? undefined;
        expect(after).toBe(page.edges.at(-1)?.cursor);
      }
      expect(pages.map((page) => page.edges.length)).toEqual([3, 3, 1]);
      expect(pages.map((page) => page.pageInfo.hasPreviousPage)).toEqual([false, true, true]);
      expect(seen).toEqual(newestFirst);

      expect((await as(carol).query(listExpenses, { first: 0 })).codes).toEqual([
        'INVALID_PAGE_SIZE',
      ]);
      expect((await as(carol).query(listExpenses, { first: 101 })).codes).toEqual([
        'INVALID_PAGE_SIZE',
      ]);
      expect((await as(carol).query(listExpenses, { after: 'not-a-cursor' })).codes).toEqual([
        'INVALID_CURSOR',
      ]);
    });

    it('filters by date range, category and text, alone and together', async () => {
      expect(
        labelsOf(await list(carol, { filter: { from: '2026-10-31', to: '2026-11-01' } })),
      ).toEqual(expect.arrayContaining(['coffee', 'beans', 'train']));
      expect(await list(carol, { filter: { from: '2026-10-31', to: '2026-11-01' } })).toMatchObject(
        { edges: { length: 3 } },
      );
      expect(labelsOf(await list(carol, { filter: { from: '2026-11-15' } }))).toEqual([
        'croissant',
        'bakery',
      ]);
      expect(labelsOf(await list(carol, { filter: { to: '2026-09-30' } }))).toEqual(['old']);
      expect(labelsOf(await list(carol, { filter: { category: 'groceries' } }))).toEqual([
        'bakery',
        'market',
      ]);
      expect(labelsOf(await list(carol, { filter: { search: 'COFFEE' } }))).toEqual([
        'beans',
        'coffee',
      ]);
      // Regular-expression characters are matched as text.
      expect(labelsOf(await list(carol, { filter: { search: '(weekly)' } }))).toEqual(['market']);
      expect(
        labelsOf(
          await list(carol, {
            filter: { from: '2026-11-01', to: '2026-11-30', category: 'dining', search: 'AN' },
          }),
        ),
      ).toEqual(['croissant', 'beans']);
      // A filter pages like the whole list.
      const firstPage = await list(carol, { filter: { category: 'dining' }, first: 2 });
      expect(labelsOf(firstPage)).toEqual(['croissant', 'beans']);
      expect(firstPage.pageInfo.hasNextPage).toBe(true);
      const nextPage = await list(carol, {
        filter: { category: 'dining' },
        first: 2,
        after: firstPage.pageInfo.endCursor ?? '',
      });
      expect(labelsOf(nextPage)).toEqual(['coffee']);
      expect(nextPage.pageInfo.hasNextPage).toBe(false);

      const invalid = await Promise.all([
        as(carol).query(listExpenses, { filter: { category: 'rockets' } }),
        as(carol).query(listExpenses, { filter: { from: '2026-02-30' } }),
        as(carol).query(listExpenses, { filter: { from: '2026-11-02', to: '2026-11-01' } }),
        as(carol).query(listExpenses, { filter: { search: 'x'.repeat(101) } }),
      ]);
      expect(invalid.map((answer) => answer.codes)).toEqual([
        ['INVALID_CATEGORY'],
        ['INVALID_DATE'],
        ['INVALID_DATE_RANGE'],
        ['SEARCH_TOO_LONG'],
      ]);
    });

    it('summarises by category, day and month, in one currency', async () => {
      const range = { from: '2026-10-01', to: '2026-11-30' };
      const byCategory = await summary(carol, { ...range, groupBy: 'CATEGORY' });
      expect(byCategory).toEqual({
        __typename: 'SpendingSummary',
        ...range,
        groupBy: 'CATEGORY',
        currency: 'USD',
        total: { __typename: 'Money', ...money(4475) },
        count: 5,
        groups: [
          { key: 'transport', total: money(2000), count: 1 },
          { key: 'groceries', total: money(1725), count: 2 },
          { key: 'dining', total: money(750), count: 2 },
        ].map((group) => ({
          __typename: 'SpendingGroup',
          ...group,
          total: { __typename: 'Money', ...group.total },
        })),
        otherCurrencies: ['EUR'],
      });

      const byDay = await summary(carol, { ...range, groupBy: 'DAY' });
      expect(byDay.groups.map(({ key, total, count }) => [key, total.amountMinor, count])).toEqual([
        ['2026-10-05', 1000, 1],
        ['2026-10-31', 450, 1],
        ['2026-11-01', 2300, 2],
        ['2026-11-15', 725, 1],
      ]);
      expect(byDay.total.amountMinor).toBe(4475);

      const byMonth = await summary(carol, {
        from: '2026-08-01',
        to: '2026-11-30',
        groupBy: 'MONTH',
      });
      expect(
        byMonth.groups.map(({ key, total, count }) => [key, total.amountMinor, count]),
      ).toEqual([
        ['2026-08', 9900, 1],
        ['2026-10', 1450, 2],
        ['2026-11', 3025, 3],
      ]);
      expect(byMonth.count).toBe(6);

      // The other currency is summarised on its own when asked for.
      const euros = await summary(carol, { ...range, groupBy: 'CATEGORY', currency: 'EUR' });
      expect(euros).toMatchObject({
        currency: 'EUR',
        total: { amountMinor: 500, currency: 'EUR', amount: '5.00' },
        count: 1,
        otherCurrencies: ['USD'],
      });

      // A change moves the totals: the train moves to October and costs less.
      const train = expenses.train;
      if (train === undefined) throw new Error('no train');
      const moved = dataOf(
        await as(carol).mutate<{ updateExpense: ExpenseShape }>(updateExpense, {
          id: train.id,
          input: { amount: '15', category: 'transport', occurredOn: '2026-10-20' },
          expectedVersion: 1,
        }),
      ).updateExpense;
      expenses.train = moved;
      const afterMove = await summary(carol, {
        from: '2026-08-01',
        to: '2026-11-30',
        groupBy: 'MONTH',
      });
      expect(
        afterMove.groups.map(({ key, total, count }) => [key, total.amountMinor, count]),
      ).toEqual([
        ['2026-08', 9900, 1],
        ['2026-10', 2950, 3],
        ['2026-11', 1025, 2],
      ]);
      // Put back, so the other tests of this block see the fixture they expect.
      expenses.train = dataOf(
        await as(carol).mutate<{ updateExpense: ExpenseShape }>(updateExpense, {
          id: train.id,
          input: {
            amount: '20',
            category: 'transport',
            occurredOn: '2026-11-01',
            description: 'Train',
          },
          expectedVersion: 2,
        }),
      ).updateExpense;
      newestFirst = newestFirst.map((expense) =>
        expense.id === train.id ? (expenses.train ?? expense) : expense,
      );
      expect((await summary(carol, { ...range, groupBy: 'CATEGORY' })).total.amountMinor).toBe(
        4475,
      );

      const invalid = await Promise.all([
        as(carol).query(spendingSummary, { from: '2026-13-01', to: '2026-11-30', groupBy: 'DAY' }),
        as(carol).query(spendingSummary, { from: '2026-11-30', to: '2026-11-01', groupBy: 'DAY' }),
        as(carol).query(spendingSummary, { ...range, groupBy: 'DAY', currency: 'XYZ' }),
      ]);
      expect(invalid.map((answer) => answer.codes)).toEqual([
        ['INVALID_DATE'],
        ['INVALID_DATE_RANGE'],
        ['INVALID_CURRENCY'],
      ]);
    });

    it('answers me { expenses, spending } across the user and expense subgraphs', async () => {
      const range = { from: '2026-10-01', to: '2026-11-30' };
      for (const groupBy of ['CATEGORY', 'DAY', 'MONTH']) {
        const answer = await as(carol).query<{
          me: { id: string; displayName: string; expenses: Connection; spending: Summary };
        }>(mine, { first: 4, ...range, groupBy });
        const { me } = dataOf(answer);
        expect(me.id).toBe(carol.user.id);
        expect(me.displayName).toBe(carol.user.displayName);
        expect(me.expenses).toEqual(await list(carol, { first: 4 }));
        expect(me.expenses.edges.map((edge) => edge.node)).toEqual(newestFirst.slice(0, 4));
        expect(me.spending).toEqual(await summary(carol, { ...range, groupBy }));
      }
    });
  });

  describe('refuses invalid input with its code', () => {
    let dave: Session;
    let existing: ExpenseShape;

    beforeAll(async () => {
      dave = await newUser('Dave');
      existing = await add(dave, { amount: '1', category: 'fees' });
    });

    const cases = invalidExpenseInputs;

    it.each(cases)('addExpense refuses %s', async (_label, input, code) => {
      const answer = await as(dave).mutate(addExpense, { input });
      expect(answer.codes).toEqual([code]);
      expect(answer.data ?? null).toBeNull();
    });

    it.each(cases)('updateExpense refuses %s', async (_label, input, code) => {
      const answer = await as(dave).mutate(updateExpense, { id: existing.id, input });
      expect(answer.codes).toEqual([code]);
    });

    it('names the input field of a refused value', async () => {
      const answer = await as(dave).mutate(addExpense, {
        input: { amount: '1', currency: 'XYZ', category: 'dining' },
      });
      expect(answer.errors[0]?.extensions).toMatchObject({ code: 'INVALID_CURRENCY' });
      expect(answer.errors[0]?.extensions?.field).toEqual(expect.stringContaining('currency'));
    });

    it.each(invalidMessageTexts)('logExpense refuses %s', async (_label, text, code) => {
      const answer = await as(dave).mutate(logExpense, { text });
      expect(answer.codes).toEqual([code]);
    });

    it('accepts 500 characters of text, and refused inputs changed nothing', async () => {
      const answer = await as(dave).mutate<{ logExpense: MessageShape }>(logExpense, {
        text: `lunch 12 ${'x'.repeat(491)}`,
      });
      expect(dataOf(answer).logExpense.status).toBe('PENDING');
      const read = dataOf(await as(dave).query<{ expense: ExpenseShape }>(expenseById, existing));
      expect(read.expense).toEqual(existing);
    });

    it('answers CONFLICT for a stale expectedVersion, and NOT_FOUND for an unknown id', async () => {
      const changed = dataOf(
        await as(dave).mutate<{ updateExpense: ExpenseShape }>(updateExpense, {
          id: existing.id,
          input: { amount: '2', category: 'fees' },
          expectedVersion: existing.version,
        }),
      ).updateExpense;
      expect(changed.version).toBe(existing.version + 1);
      existing = changed;
      const stale = await as(dave).mutate(updateExpense, {
        id: existing.id,
        input: { amount: '3', category: 'fees' },
        expectedVersion: existing.version - 1,
      });
      expect(stale.codes).toEqual(['CONFLICT']);
      const unknown = '00000000-0000-4000-8000-000000000000';
      expect(
        (
          await as(dave).mutate(updateExpense, {
            id: unknown,
            input: { amount: '3', category: 'fees' },
          })
        ).codes,
      ).toEqual(['NOT_FOUND']);
      expect((await as(dave).query(expenseById, { id: unknown })).codes).toEqual(['NOT_FOUND']);
      expect((await as(dave).query(expenseMessage, { id: unknown })).codes).toEqual(['NOT_FOUND']);
    });

    it('refuses every expense operation without a token, before any subgraph', async () => {
      const anonymous = await as(undefined).query(listExpenses);
      expect(anonymous.status).toBe(401);
      expect(anonymous.codes).toEqual(['UNAUTHENTICATED']);
      const write = await as(undefined).mutate(logExpense, { text: 'coffee 3' });
      expect(write.codes).toEqual(['UNAUTHENTICATED']);
    });
  });

  it('never met the gateway rate limiter (startSystem runs relaxed limits)', () => {
    expect(answers.length).toBeGreaterThan(100);
    expect(answers.filter((answer) => answer.status === 429)).toEqual([]);
    expect(answers.flatMap((answer) => answer.codes)).not.toContain('RATE_LIMITED');
  });
});
