import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CashTrackEvent } from '@cashtrack/events';
import { createEventProducer, ensureTopics, type EventProducer } from '@cashtrack/events/kafka';
import {
  kafkaForTests,
  mongoForTests,
  testNamespace,
  waitFor,
  type TestDatabase,
} from '@cashtrack/test-support';
import { createExpenseCommands } from '../src/commands/expenseCommands.ts';
import { expenseConfigFromEnv } from '../src/config.ts';
import { startExpenseSubgraph, type RunningExpenseSubgraph } from '../src/expenseSubgraph.ts';
import { errorCodes, postGraphQL } from '@cashtrack/test-support';
import { groceries, parsedFrom, recorded, registered, updated } from './support/sampleEvents.ts';
import { startTestTokenIssuer, type TestTokenIssuer } from './support/testTokens.ts';
import { invalidExpenseInputs, invalidMessageTexts } from './support/invalidInputs.ts';

const today = '2026-11-24';
const expenseFields = `id amount { amountMinor currency amount } category description occurredOn
  source messageId version pending user { id }`;

describe('the expense subgraph over real Kafka and the MongoDB-protocol server', () => {
  const namespace = testNamespace();
  const kafka = kafkaForTests('expense-subgraph-test');
  let database: TestDatabase;
  let tokens: TestTokenIssuer;
  let subgraph: RunningExpenseSubgraph;
  let producer: EventProducer;
  const alice = `alice-${randomUUID()}`;
  const bob = `bob-${randomUUID()}`;

  const asAlice = <Data = Record<string, unknown>>(query: string, variables = {}) =>
    postGraphQL<Data>(subgraph.url, query, variables, { token: tokens.tokenFor(alice) });
  const asBob = <Data = Record<string, unknown>>(query: string, variables = {}) =>
    postGraphQL<Data>(subgraph.url, query, variables, { token: tokens.tokenFor(bob) });

  interface ExpenseShape {
    id: string;
    amount: { amountMinor: number; currency: string; amount: string };
    category: string;
    description: string;
    occurredOn: string;
    version: number;
    pending: boolean;
  }

  async function add(input: Record<string, unknown>, as = asAlice): Promise<ExpenseShape> {
    const answer = await as<{ addExpense: ExpenseShape }>(
      `mutation ($input: ExpenseInput!) { addExpense(input: $input) { ${expenseFields} } }`,
      { input },
    );
    expect(answer.errors).toEqual([]);
    const expense = answer.data?.addExpense;
    if (expense === undefined) throw new Error('no expense in the answer');
    return expense;
  }

  beforeAll(async () => {
    database = await mongoForTests(namespace.database);
    tokens = await startTestTokenIssuer();
    await ensureTopics(kafka, { prefix: namespace.topicPrefix });
    producer = createEventProducer(kafka, { topicPrefix: namespace.topicPrefix });
    await producer.connect();
    // Alice keeps euros in Berlin; Bob is unknown here, so he gets USD and UTC.
    await producer.publish([registered(alice, 'EUR', 'Europe/Berlin')]);
    subgraph = await startExpenseSubgraph(
      {
        ...expenseConfigFromEnv(),
        port: 0,
        database: namespace.database,
        topicPrefix: namespace.topicPrefix,
        jwksUrl: tokens.jwksUrl,
        projectionWaitMs: 10_000,
        projectorSessionTimeoutMs: 10_000,
      },
      { now: () => new Date(`${today}T10:00:00Z`) },
    );
    await waitFor(() => subgraph.models.userSettings.findOne({ _id: alice }), {
      timeoutMs: 30_000,
      description: "Alice's settings",
    });
  });

  afterAll(async () => {
    await subgraph?.close();
    await producer?.disconnect();
    await tokens?.close();
    await database?.close();
  });

  it('answers /health and /ready, and refuses a request without a token', async () => {
    expect((await fetch(`${subgraph.url}/health`)).status).toBe(200);
    expect((await fetch(`${subgraph.url}/ready`)).status).toBe(200);
    const answer = await postGraphQL(subgraph.url, '{ expenses { edges { cursor } } }');
    expect(errorCodes(answer)).toEqual(['UNAUTHENTICATED']);
  });

  it('adds an expense that the next query already includes, in the user currency by default', async () => {
    const expense = await add({ amount: '12.5', category: 'Dining', description: 'Lunch' });
    expect(expense).toMatchObject({
      amount: { amountMinor: 1250, currency: 'EUR', amount: '12.50' },
      category: 'dining',
      occurredOn: today,
      version: 1,
      pending: false,
    });
    const answer = await asAlice<{ expense: ExpenseShape }>(
      `query ($id: ID!) { expense(id: $id) { ${expenseFields} } }`,
      { id: expense.id },
    );
    expect(answer.data?.expense).toEqual(expense);
  });

  it('takes amounts past 32 bits as SafeInt', async () => {
    const expense = await add({ amount: '1000000000', currency: 'USD', category: 'housing' });
    expect(expense.amount).toEqual({
      amountMinor: 100_000_000_000,
      currency: 'USD',
      amount: '1000000000.00',
    });
  });

  it('updates and deletes, and refuses a stale version with CONFLICT', async () => {
    const expense = await add({ amount: '5', category: 'transport', occurredOn: '2026-11-20' });
    const update = `mutation ($id: ID!, $input: ExpenseInput!, $v: Int) {
      updateExpense(id: $id, input: $input, expectedVersion: $v) { ${expenseFields} } }`;
    const changed = await asAlice<{ updateExpense: ExpenseShape }>(update, {
      id: expense.id,
      input: { amount: '6', category: 'transport', occurredOn: '2026-11-20', description: 'bus' },
      v: 1,
    });
    expect(changed.data?.updateExpense).toMatchObject({
      version: 2,
      description: 'bus',
      amount: { amountMinor: 600 },
    });
    const stale = await asAlice(update, {
      id: expense.id,
      input: { amount: '7', category: 'transport' },
      v: 1,
    });
    expect(errorCodes(stale)).toEqual(['CONFLICT']);

    const removal = `mutation ($id: ID!, $v: Int) { deleteExpense(id: $id, expectedVersion: $v) }`;
    expect(errorCodes(await asAlice(removal, { id: expense.id, v: 1 }))).toEqual(['CONFLICT']);
    const removed = await asAlice<{ deleteExpense: string }>(removal, { id: expense.id, v: 2 });
    expect(removed.data?.deleteExpense).toBe(expense.id);
    const gone = await asAlice(`query ($id: ID!) { expense(id: $id) { id } }`, { id: expense.id });
    expect(errorCodes(gone)).toEqual(['NOT_FOUND']);
    expect(errorCodes(await asAlice(removal, { id: expense.id }))).toEqual(['NOT_FOUND']);
  });

  it("answers NOT_FOUND for another user's expense and message, for reads and writes", async () => {
    const expense = await add({ amount: '3', category: 'gifts' });
    const message = await asAlice<{ logExpense: { id: string } }>(
      'mutation { logExpense(text: "flowers 3") { id } }',
    );
    const messageId = message.data?.logExpense.id;
    const attempts = [
      asBob(`query ($id: ID!) { expense(id: $id) { id } }`, { id: expense.id }),
      asBob(`query ($id: ID!) { expenseMessage(id: $id) { id } }`, { id: messageId }),
      asBob(
        `mutation ($id: ID!) { updateExpense(id: $id, input: { amount: "1", category: "gifts" }) { id } }`,
        { id: expense.id },
      ),
      asBob(`mutation ($id: ID!) { deleteExpense(id: $id) }`, { id: expense.id }),
      asBob(
        `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { expenses { edges { cursor } } } } }`,
        { r: [{ __typename: 'User', id: alice }] },
      ),
    ];
    for (const answer of await Promise.all(attempts)) {
      expect(errorCodes(answer)).toEqual(['NOT_FOUND']);
    }
    const bobs = await asBob<{ expenses: { edges: unknown[] } }>(
      '{ expenses { edges { cursor } } }',
    );
    expect(bobs.data?.expenses.edges).toEqual([]);
    // Through federation, a reference to Alice's expense resolves to nothing for Bob.
    const reference = await asBob<{ _entities: unknown[] }>(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Expense { id } } }`,
      { r: [{ __typename: 'Expense', id: expense.id }] },
    );
    expect(reference.data?._entities).toEqual([null]);
  });

  it.each(invalidExpenseInputs)('refuses %s with its code', async (_label, input, code) => {
    const answer = await asAlice(
      `mutation ($input: ExpenseInput!) { addExpense(input: $input) { id } }`,
      { input },
    );
    expect(errorCodes(answer)).toEqual([code]);
  });

  it.each(invalidMessageTexts)('refuses a message of %s', async (_label, text, code) => {
    const answer = await asAlice('mutation ($t: String!) { logExpense(text: $t) { id } }', {
      t: text,
    });
    expect(errorCodes(answer)).toEqual([code]);
  });

  it('answers CONFLICT to the loser of two writers racing for the same version', async () => {
    const expense = await add({ amount: '8', category: 'fees' });
    // Another replica decides on the same version 1 and gets its event into the topic first.
    const racingProducer: Pick<EventProducer, 'publish'> = {
      async publish(events) {
        const ours = events[0];
        if (ours?.type === 'ExpenseUpdated') {
          await producer.publish([
            updated(alice, expense.id, ours.aggregateVersion, { ...ours.payload, amountMinor: 1 }),
          ]);
        }
        await producer.publish(events);
      },
    };
    const commands = createExpenseCommands({
      models: subgraph.models,
      producer: racingProducer,
      projectionWaitMs: 10_000,
      now: () => new Date(`${today}T10:00:00Z`),
    });
    const caller = { userId: alice, correlationId: randomUUID() };
    await expect(
      commands.updateExpense(caller, expense.id, { amount: '9', category: 'fees' }, undefined),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    const answer = await asAlice<{ expense: ExpenseShape }>(
      `query ($id: ID!) { expense(id: $id) { ${expenseFields} } }`,
      { id: expense.id },
    );
    expect(answer.data?.expense).toMatchObject({ version: 2, amount: { amountMinor: 1 } });
  });

  it("shows a parser's guess until the person updates it, and teaches only the update that won", async () => {
    const messageId = randomUUID();
    const guess = recorded(
      alice,
      randomUUID(),
      { ...groceries, category: 'other' },
      {
        messageId,
        position: 0,
        count: 1,
        parser: 'rules',
        guessed: true,
        tokensUsed: 0,
      },
    );
    await producer.publish([guess]);
    const confidence = `query ($id: ID!) { expense(id: $id) { category parsedBy guessed version } }`;
    const shown = await waitFor(
      async () =>
        (
          await asAlice<{ expense: Record<string, unknown> | null }>(confidence, {
            id: guess.aggregateId,
          })
        ).data?.expense ?? undefined,
      { timeoutMs: 20_000, description: 'the parsed expense to be projected' },
    );
    expect(shown).toEqual({ category: 'other', parsedBy: 'RULES', guessed: true, version: 1 });

    // Every event the commands publish, and a replica that wins version 2 before the first one.
    const published: CashTrackEvent[] = [];
    let raced = false;
    const recordingProducer: Pick<EventProducer, 'publish'> = {
      async publish(events) {
        const ours = events[0];
        if (!raced && ours?.type === 'ExpenseUpdated') {
          raced = true;
          await producer.publish([
            updated(alice, guess.aggregateId, ours.aggregateVersion, {
              ...ours.payload,
              category: 'dining',
            }),
          ]);
        }
        published.push(...events);
        await producer.publish(events);
      },
    };
    const commands = createExpenseCommands({
      models: subgraph.models,
      producer: recordingProducer,
      projectionWaitMs: 10_000,
      now: () => new Date(`${today}T10:00:00Z`),
    });
    const caller = { userId: alice, correlationId: randomUUID() };
    const input = { amount: '50', currency: 'USD', category: 'shopping', occurredOn: today };
    await expect(
      commands.updateExpense(caller, guess.aggregateId, input, undefined),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(published.map((event) => event.type)).toEqual(['ExpenseUpdated']);

    const saved = await commands.updateExpense(caller, guess.aggregateId, input, 2);
    expect(saved).toMatchObject({ category: 'shopping', parsedBy: 'rules', guessed: false });
    const [, winner, correction] = published;
    expect(correction).toMatchObject({
      type: 'ExpenseCategoryCorrected',
      causationId: winner?.eventId,
      payload: { fromCategory: 'dining', toCategory: 'shopping', parsedBy: 'rules' },
    });
    expect(published).toHaveLength(3);
    const after = await asAlice<{ expense: Record<string, unknown> }>(confidence, {
      id: guess.aggregateId,
    });
    expect(after.data?.expense).toEqual({
      category: 'shopping',
      parsedBy: 'RULES',
      guessed: false,
      version: 3,
    });
  });

  describe('listing, paging, filtering and summarising', () => {
    const carol = `carol-${randomUUID()}`;
    const asCarol = <Data = Record<string, unknown>>(query: string, variables = {}) =>
      postGraphQL<Data>(subgraph.url, query, variables, { token: tokens.tokenFor(carol) });
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      const inputs = [
        [
          'a',
          {
            amount: '10',
            category: 'groceries',
            occurredOn: '2026-10-05',
            description: 'Market (weekly)',
          },
        ],
        [
          'b',
          { amount: '4.50', category: 'dining', occurredOn: '2026-10-31', description: 'Coffee' },
        ],
        [
          'c',
          {
            amount: '3',
            category: 'dining',
            occurredOn: '2026-11-01',
            description: 'coffee beans',
          },
        ],
        [
          'd',
          { amount: '20', category: 'transport', occurredOn: '2026-11-01', description: 'taxi' },
        ],
        ['e', { amount: '7', category: 'dining', occurredOn: '2026-11-02', description: 'bagel' }],
        [
          'f',
          {
            amount: '99',
            currency: 'EUR',
            category: 'travel',
            occurredOn: '2026-11-02',
            description: 'train',
          },
        ],
      ] as const;
      for (const [name, input] of inputs) ids[name] = (await add(input, asCarol)).id;
    });

    const list = `query ($filter: ExpenseFilter, $first: Int, $after: String) {
      expenses(filter: $filter, first: $first, after: $after) {
        edges { cursor node { id occurredOn } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
    interface Page {
      expenses: {
        edges: { cursor: string; node: { id: string; occurredOn: string } }[];
        pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
      };
    }

    it('pages newest first, then by id, with opaque cursors', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const answer: Awaited<ReturnType<typeof asCarol<Page>>> = await asCarol<Page>(list, {
          first: 4,
          after,
        });
        const page = answer.data?.expenses;
        if (page === undefined) throw new Error(JSON.stringify(answer.errors));
        seen.push(...page.edges.map((edge) => edge.node.id));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      const expected = [
        ...[ids.e, ids.f].sort().reverse(),
        ...[ids.c, ids.d].sort().reverse(),
        ids.b,
        ids.a,
      ];
      expect(seen).toEqual(expected);
      expect(errorCodes(await asCarol(list, { after: 'garbage' }))).toEqual(['INVALID_CURSOR']);
      expect(errorCodes(await asCarol(list, { first: 101 }))).toEqual(['INVALID_PAGE_SIZE']);
    });

    it('filters by date range, category and escaped, case-insensitive search', async () => {
      const idsOf = async (filter: Record<string, unknown>) => {
        const answer = await asCarol<Page>(list, { filter });
        return (answer.data?.expenses.edges ?? []).map((edge) => edge.node.id).sort();
      };
      expect(await idsOf({ from: '2026-10-31', to: '2026-11-01' })).toEqual(
        [ids.b, ids.c, ids.d].sort(),
      );
      expect(await idsOf({ category: 'dining' })).toEqual([ids.b, ids.c, ids.e].sort());
      expect(await idsOf({ search: 'COFFEE' })).toEqual([ids.b, ids.c].sort());
      expect(await idsOf({ search: '(weekly)' })).toEqual([ids.a]);
      expect(await idsOf({ search: '.*' })).toEqual([]);
      expect(
        errorCodes(await asCarol(list, { filter: { from: '2026-11-02', to: '2026-11-01' } })),
      ).toEqual(['INVALID_DATE_RANGE']);
    });

    const summary = `query ($from: String!, $to: String!, $by: SpendingGroupBy!, $currency: String) {
      spendingSummary(from: $from, to: $to, groupBy: $by, currency: $currency) {
        currency total { amountMinor amount } count otherCurrencies
        groups { key count total { amountMinor currency } } } }`;
    interface Summary {
      spendingSummary: {
        currency: string;
        total: { amountMinor: number; amount: string };
        count: number;
        otherCurrencies: string[];
        groups: { key: string; count: number; total: { amountMinor: number; currency: string } }[];
      };
    }

    it('summarises by category, day and month from the totals, one currency at a time', async () => {
      const byCategory = await asCarol<Summary>(summary, {
        from: '2026-10-01',
        to: '2026-11-30',
        by: 'CATEGORY',
      });
      expect(byCategory.data?.spendingSummary).toEqual({
        currency: 'USD',
        total: { amountMinor: 4450, amount: '44.50' },
        count: 5,
        otherCurrencies: ['EUR'],
        groups: [
          { key: 'transport', count: 1, total: { amountMinor: 2000, currency: 'USD' } },
          { key: 'dining', count: 3, total: { amountMinor: 1450, currency: 'USD' } },
          { key: 'groceries', count: 1, total: { amountMinor: 1000, currency: 'USD' } },
        ],
      });
      const byDay = await asCarol<Summary>(summary, {
        from: '2026-10-31',
        to: '2026-11-01',
        by: 'DAY',
      });
      expect(byDay.data?.spendingSummary.groups.map((group) => [group.key, group.count])).toEqual([
        ['2026-10-31', 1],
        ['2026-11-01', 2],
      ]);
      const byMonth = await asCarol<Summary>(summary, {
        from: '2026-10-01',
        to: '2026-11-30',
        by: 'MONTH',
        currency: 'EUR',
      });
      expect(byMonth.data?.spendingSummary).toMatchObject({
        currency: 'EUR',
        total: { amountMinor: 9900 },
        otherCurrencies: ['USD'],
        groups: [{ key: '2026-11', count: 1, total: { amountMinor: 9900, currency: 'EUR' } }],
      });
      expect(
        errorCodes(await asCarol(summary, { from: '2026-11-30', to: '2026-10-01', by: 'DAY' })),
      ).toEqual(['INVALID_DATE_RANGE']);
    });

    it('serves the same through the User entity for the viewer only', async () => {
      const answer = await asCarol<{
        _entities: { spending: { count: number }; expenses: { edges: unknown[] } }[];
      }>(
        `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User {
          spending(from: "2026-10-01", to: "2026-11-30", groupBy: MONTH) { count }
          expenses(first: 2) { edges { cursor } } } } }`,
        { r: [{ __typename: 'User', id: carol }] },
      );
      expect(answer.data?._entities[0]).toMatchObject({ spending: { count: 5 } });
      expect(answer.data?._entities[0]?.expenses.edges).toHaveLength(2);
    });

    it('keeps the totals right through an update that moves month and category, and a delete', async () => {
      await asCarol(
        `mutation ($id: ID!) { updateExpense(id: $id, input: { amount: "5", category: "groceries", occurredOn: "2026-10-10" }) { id } }`,
        { id: ids.e },
      );
      await asCarol(`mutation ($id: ID!) { deleteExpense(id: $id) }`, { id: ids.d });
      const byMonth = await asCarol<Summary>(summary, {
        from: '2026-10-01',
        to: '2026-11-30',
        by: 'MONTH',
      });
      expect(byMonth.data?.spendingSummary.groups).toEqual([
        { key: '2026-10', count: 3, total: { amountMinor: 1950, currency: 'USD' } },
        { key: '2026-11', count: 1, total: { amountMinor: 300, currency: 'USD' } },
      ]);
    });
  });

  it('answers from the event, marked pending, when the projector does not apply it in time', async () => {
    // A producer whose events never reach the projector stands for a projector far behind.
    const commands = createExpenseCommands({
      models: subgraph.models,
      producer: { publish: async () => undefined },
      projectionWaitMs: 50,
      now: () => new Date(`${today}T10:00:00Z`),
    });
    const caller = { userId: alice, correlationId: randomUUID() };
    const added = await commands.addExpense(caller, { amount: '2', category: 'other' });
    expect(added).toMatchObject({ amountMinor: 200, currency: 'EUR', version: 1, pending: true });
    const existing = await add({ amount: '4', category: 'other' });
    await expect(commands.deleteExpense(caller, existing.id, undefined)).resolves.toEqual({
      id: existing.id,
      pending: true,
    });
    const message = await commands.logExpense(caller, 'tea 2');
    expect(message).toMatchObject({ status: 'PENDING', text: 'tea 2', expenseIds: [] });
  });

  it('logs a message as PENDING, and shows it PARSED with its expenses once the parser recorded them', async () => {
    const logged = await asAlice<{ logExpense: { id: string; status: string; text: string } }>(
      'mutation { logExpense(text: "  coffee 4.50 and bagel 3 ") { id status text expenses { id } } }',
    );
    expect(logged.data?.logExpense).toMatchObject({
      status: 'PENDING',
      text: 'coffee 4.50 and bagel 3',
      expenses: [],
    });
    const messageId = logged.data?.logExpense.id ?? '';
    // What the parser worker does: one ExpenseRecorded per expense found, with its origin.
    const coffee = parsedFrom(alice, messageId, 0, 2, {
      amountMinor: 450,
      currency: 'EUR',
      category: 'dining',
      description: 'coffee',
      occurredOn: today,
    });
    const bagel = parsedFrom(alice, messageId, 1, 2, {
      amountMinor: 300,
      currency: 'EUR',
      category: 'dining',
      description: 'bagel',
      occurredOn: today,
    });
    await producer.publish([coffee, bagel]);
    const query = `query ($id: ID!) { expenseMessage(id: $id) { status expenses { id source messageId description } } }`;
    const parsed = await waitFor(
      async () => {
        const answer = await asAlice<{ expenseMessage: { status: string; expenses: unknown[] } }>(
          query,
          { id: messageId },
        );
        return answer.data?.expenseMessage.status === 'PARSED'
          ? answer.data.expenseMessage
          : undefined;
      },
      { timeoutMs: 20_000, description: 'the message to be parsed' },
    );
    expect(parsed.expenses).toEqual([
      { id: coffee.aggregateId, source: 'MESSAGE', messageId, description: 'coffee' },
      { id: bagel.aggregateId, source: 'MESSAGE', messageId, description: 'bagel' },
    ]);
  });

  describe('a command sent again after its answer was lost (client ids)', () => {
    const logWithClientId =
      'mutation ($t: String!, $c: String) { logExpense(text: $t, clientMessageId: $c) { id status text } }';
    const addWithClientId = `mutation ($input: ExpenseInput!, $c: String) {
      addExpense(input: $input, clientExpenseId: $c) { ${expenseFields} } }`;
    type Logged = { logExpense: { id: string; status: string; text: string } };
    type Added = { addExpense: ExpenseShape };

    it('logs a message once however often, and however concurrently, it is sent', async () => {
      const clientMessageId = `m-${randomUUID()}`;
      const send = () => asAlice<Logged>(logWithClientId, { t: 'lunch 11', c: clientMessageId });
      // The first sends race each other (a retry before the first answer), then one comes late.
      const racing = await Promise.all([send(), send(), send()]);
      const late = await send();
      const answers = [...racing, late];

      expect(answers.flatMap((answer) => answer.errors)).toEqual([]);
      const id = late.data?.logExpense.id;
      expect(answers.map((answer) => answer.data?.logExpense.id)).toEqual(Array(4).fill(id));
      expect(answers.map((answer) => answer.data?.logExpense.text)).toEqual(
        Array(4).fill('lunch 11'),
      );
      expect(
        await subgraph.models.expenseMessages.countDocuments({ userId: alice, text: 'lunch 11' }),
      ).toBe(1);
    });

    it('answers CLIENT_ID_REUSED for the same id with another text, and keeps people apart', async () => {
      const clientMessageId = `m-${randomUUID()}`;
      const alices = await asAlice<Logged>(logWithClientId, { t: 'taxi 9', c: clientMessageId });
      const reused = await asAlice(logWithClientId, { t: 'taxi 90', c: clientMessageId });
      const bobs = await asBob<Logged>(logWithClientId, { t: 'taxi 9', c: clientMessageId });

      expect(errorCodes(reused)).toEqual(['CLIENT_ID_REUSED']);
      expect(bobs.errors).toEqual([]);
      expect(bobs.data?.logExpense.id).not.toBe(alices.data?.logExpense.id);
    });

    it('refuses a client id that is too short or not plain, naming the field', async () => {
      const answer = await asAlice(logWithClientId, { t: 'tea 2', c: 'x y' });
      expect(answer.errors[0]?.extensions).toMatchObject({
        code: 'INVALID_CLIENT_ID',
        field: 'clientMessageId',
      });
    });

    it('adds an expense once, answers retries with it as it is now, and refuses a reused id', async () => {
      const clientExpenseId = `e-${randomUUID()}`;
      const input = {
        amount: '7.25',
        category: 'dining',
        description: `retried ${clientExpenseId}`,
      };
      const send = (values = input) =>
        asAlice<Added>(addWithClientId, { input: values, c: clientExpenseId });
      const racing = await Promise.all([send(), send(), send()]);
      const id = racing[0]?.data?.addExpense.id;

      expect(racing.flatMap((answer) => answer.errors)).toEqual([]);
      expect(racing.map((answer) => answer.data?.addExpense.id)).toEqual([id, id, id]);
      expect(
        await subgraph.models.expenses.countDocuments({
          userId: alice,
          description: input.description,
        }),
      ).toBe(1);
      expect(errorCodes(await send({ ...input, amount: '8' }))).toEqual(['CLIENT_ID_REUSED']);

      await asAlice(
        'mutation ($id: ID!, $input: ExpenseInput!) { updateExpense(id: $id, input: $input) { id } }',
        { id, input: { ...input, amount: '9' } },
      );
      const afterEdit = await send();
      expect(afterEdit.data?.addExpense).toMatchObject({ id, amount: { amountMinor: 900 } });

      await asAlice('mutation ($id: ID!) { deleteExpense(id: $id) }', { id });
      expect(errorCodes(await send())).toEqual(['NOT_FOUND']);
    });
  });
});
