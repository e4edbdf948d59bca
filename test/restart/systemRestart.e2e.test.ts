import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  errorCodes,
  postGraphQL,
  startLocalSystem,
  waitFor,
  type LocalSystem,
  type ServiceName,
  type StopSignal,
} from '@cashtrack/test-support';
import { subscriptionClient } from '../../gateway/test/support/subscriptionClient.ts';

/**
 * Issue 13, item 2: the system stops and starts on the data it wrote, as a user runs it. Real
 * processes (the way `npm start` runs them) on a private Kafka and FerretDB, which this file stops
 * and starts; the shared servers other test files use are never touched.
 */

let system: LocalSystem;

beforeAll(async () => {
  system = await startLocalSystem({
    env: {
      // A killed consumer holds its partitions for its session; its replacement's start-up waits
      // that long. A few seconds instead of 30 keeps the SIGKILL rounds short.
      KAFKA_CONSUMER_SESSION_TIMEOUT_MS: '6000',
      EXPENSE_PROJECTOR_SESSION_TIMEOUT_MS: '6000',
      // This file is one client polling hard; the gateway's abuse limits are tested elsewhere.
      GATEWAY_RATE_USER_BURST: '10000',
      GATEWAY_RATE_USER_PER_SECOND: '10000',
      GATEWAY_RATE_ADDRESS_BURST: '10000',
      GATEWAY_RATE_ADDRESS_PER_SECOND: '10000',
      GATEWAY_RATE_SIGNUP_BURST: '10000',
      GATEWAY_RATE_SIGNUP_PER_HOUR: '1000000',
    },
  });
}, 240_000);

afterAll(async () => {
  await system?.dispose();
}, 60_000);

// ---------------------------------------------------------------------------------------------
// GraphQL through the gateway

class GraphQLFailure extends Error {
  constructor(
    message: string,
    /** 400: the operation itself is refused, which no retry changes. */
    readonly status: number,
  ) {
    super(message);
  }
}

/** One operation through the gateway; GraphQL errors or a non-200 answer throw. */
async function call<Data>(
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<Data> {
  const answer = await postGraphQL<Data>(system.gatewayUrl, query, variables, { token });
  if (answer.status !== 200 || answer.errors.length > 0 || answer.data == null) {
    throw new GraphQLFailure(
      `${query.trim().split('\n')[0] ?? ''} answered ${answer.status}: ${JSON.stringify(answer.errors)}`,
      answer.status,
    );
  }
  return answer.data;
}

interface Money {
  readonly amountMinor: number;
  readonly currency: string;
  readonly amount: string;
}

interface Expense {
  readonly id: string;
  readonly amount: Money;
  readonly category: string;
  readonly description: string;
  readonly occurredOn: string;
  readonly source: 'MESSAGE' | 'MANUAL';
  readonly messageId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

interface ExpenseMessage {
  readonly id: string;
  readonly text: string;
  readonly status: 'PENDING' | 'PARSED' | 'REJECTED';
  readonly reason: string | null;
  readonly expenses: readonly { readonly id: string }[];
}

interface Profile {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly currency: string;
  readonly timezone: string;
  readonly createdAt: string;
}

interface Summary {
  readonly currency: string;
  readonly total: Money;
  readonly count: number;
  readonly groups: readonly {
    readonly key: string;
    readonly total: Money;
    readonly count: number;
  }[];
  readonly otherCurrencies: readonly string[];
}

/** What a user can see of their account. */
interface Snapshot {
  readonly profile: Profile;
  readonly expenses: readonly Expense[];
  readonly summary: Summary;
  readonly messages: readonly ExpenseMessage[];
}

const moneyFields = 'amountMinor currency amount';
const expenseFields = `id amount { ${moneyFields} } category description occurredOn source messageId createdAt updatedAt version`;
const messageFields = 'id text status reason expenses { id }';

interface AuthPayload {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly user: { readonly id: string };
}
const authFields = 'accessToken refreshToken user { id }';

/** The account the tests act as; its tokens are renewed as the app would renew them. */
interface Account {
  readonly email: string;
  readonly password: string;
  readonly userId: string;
  accessToken: string;
  refreshToken: string;
  /** Every message it logged, in order. */
  readonly messageIds: string[];
  /** The cursor of the last change its subscriber heard, to resume from. */
  lastCursor: string | undefined;
}

let account: Account | undefined;
let people = 0;

async function signUp(label: string): Promise<AuthPayload & { email: string; password: string }> {
  people += 1;
  const email = `restart-${label}-${people}-${Date.now().toString(36)}@example.com`;
  const password = `restart-pass-${people}`;
  const { signUp: payload } = await call<{ signUp: AuthPayload }>(
    `mutation ($input: SignUpInput!) { signUp(input: $input) { ${authFields} } }`,
    { input: { email, password, displayName: `Restart ${label}` } },
  );
  return { ...payload, email, password };
}

async function logIn(email: string, password: string): Promise<AuthPayload> {
  const { logIn: payload } = await call<{ logIn: AuthPayload }>(
    `mutation ($input: LogInInput!) { logIn(input: $input) { ${authFields} } }`,
    { input: { email, password } },
  );
  return payload;
}

async function refresh(refreshToken: string): Promise<AuthPayload> {
  const { refreshSession } = await call<{ refreshSession: AuthPayload }>(
    `mutation ($token: String!) { refreshSession(refreshToken: $token) { ${authFields} } }`,
    { token: refreshToken },
  );
  return refreshSession;
}

async function logExpense(text: string, token: string): Promise<ExpenseMessage> {
  const { logExpense: message } = await call<{ logExpense: ExpenseMessage }>(
    `mutation ($text: String!) { logExpense(text: $text) { ${messageFields} } }`,
    { text },
    token,
  );
  return message;
}

async function addExpense(
  input: Record<string, string>,
  token: string,
): Promise<Expense & { pending: boolean }> {
  const { addExpense: expense } = await call<{ addExpense: Expense & { pending: boolean } }>(
    `mutation ($input: ExpenseInput!) { addExpense(input: $input) { ${expenseFields} pending } }`,
    { input },
    token,
  );
  return expense;
}

async function messageById(id: string, token: string): Promise<ExpenseMessage | null> {
  const { expenseMessage } = await call<{ expenseMessage: ExpenseMessage | null }>(
    `query ($id: ID!) { expenseMessage(id: $id) { ${messageFields} } }`,
    { id },
    token,
  );
  return expenseMessage;
}

/** Waits until the parser worker has decided a message, and answers it as decided. */
async function settled(id: string, token: string, timeoutMs = 30_000): Promise<ExpenseMessage> {
  return waitFor(
    async () => {
      const message = await messageById(id, token);
      return message !== null && message.status !== 'PENDING' ? message : false;
    },
    { timeoutMs, description: `message ${id} to be parsed` },
  );
}

async function snapshot(current: Account): Promise<Snapshot> {
  const data = await call<{ me: Profile; spendingSummary: Summary }>(
    `query {
      me { id email displayName currency timezone createdAt }
      spendingSummary(from: "2000-01-01", to: "2100-12-31", groupBy: CATEGORY, currency: "USD") {
        currency total { ${moneyFields} } count groups { key total { ${moneyFields} } count }
        otherCurrencies
      }
    }`,
    {},
    current.accessToken,
  );
  // Page by page, as the app scrolls: a page of 100 is over the gateway's cost limit.
  const expenses: Expense[] = [];
  let after: string | null = null;
  for (;;) {
    const page: {
      expenses: {
        edges: { node: Expense }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    } = await call(
      `query ($after: String) {
        expenses(first: 25, after: $after) {
          edges { node { ${expenseFields} } }
          pageInfo { hasNextPage endCursor }
        }
      }`,
      { after },
      current.accessToken,
    );
    expenses.push(...page.expenses.edges.map((edge) => edge.node));
    if (!page.expenses.pageInfo.hasNextPage) break;
    after = page.expenses.pageInfo.endCursor;
  }
  // Ten messages a request: aliases are capped by the gateway.
  const messages: ExpenseMessage[] = [];
  for (let start = 0; start < current.messageIds.length; start += 10) {
    const ids = current.messageIds.slice(start, start + 10);
    const answer = await call<Record<string, ExpenseMessage | null>>(
      `query (${ids.map((_, index) => `$m${index}: ID!`).join(', ')}) {
        ${ids.map((_, index) => `m${index}: expenseMessage(id: $m${index}) { ${messageFields} }`).join('\n')}
      }`,
      Object.fromEntries(ids.map((id, index) => [`m${index}`, id])),
      current.accessToken,
    );
    ids.forEach((id, index) => {
      const message = answer[`m${index}`];
      if (message == null) throw new Error(`message ${id} is gone`);
      messages.push(message);
    });
  }
  return {
    profile: data.me,
    expenses,
    summary: data.spendingSummary,
    messages,
  };
}

/** Totals agree with the expenses they sum: the summary read model is not an independent copy. */
function expectSummaryMatches(view: Snapshot): void {
  const usd = view.expenses.filter((expense) => expense.amount.currency === 'USD');
  expect(view.summary.count).toBe(usd.length);
  expect(view.summary.total.amountMinor).toBe(
    usd.reduce((sum, expense) => sum + expense.amount.amountMinor, 0),
  );
}

// ---------------------------------------------------------------------------------------------
// Subscriptions

interface Change {
  readonly cursor: string;
  readonly kind: 'ADDED' | 'UPDATED' | 'DELETED' | 'REJECTED';
  readonly expenseId: string | null;
  readonly message: { readonly id: string } | null;
}

const changesSubscription = `
  subscription ($after: String) {
    expenseChanged(after: $after) { cursor kind expenseId message { id } }
  }
`;

/**
 * Resumes the account's subscription after the last change it heard (as the app does after a
 * reconnect), logs a new message and waits until the subscriber hears it parsed. Everything it
 * heard must be new (nothing heard twice) and end with that message's expense.
 */
async function newMessageIsParsedAndHeard(current: Account, text: string): Promise<Change[]> {
  const socket = subscriptionClient(system.graphqlUrl, current.accessToken);
  try {
    const subscription = socket.subscribe<{ expenseChanged: Change }>(
      changesSubscription,
      current.lastCursor === undefined ? {} : { after: current.lastCursor },
    );
    await waitFor(() => socket.connected(), { description: 'the subscription socket' });
    const message = await logExpense(text, current.accessToken);
    current.messageIds.push(message.id);
    const parsed = await settled(message.id, current.accessToken);
    expect(parsed.status).toBe('PARSED');
    expect(parsed.expenses).toHaveLength(1);
    await waitFor(
      () =>
        subscription.failures.length > 0 ||
        subscription.results.some(
          (result) => result.data?.expenseChanged.message?.id === message.id,
        ),
      { timeoutMs: 20_000, description: `the subscriber to hear message ${message.id}` },
    );
    expect(subscription.failures).toEqual([]);
    const heard = subscription.results.map((result) => {
      expect(result.errors).toBeUndefined();
      const change = result.data?.expenseChanged;
      if (change === undefined) throw new Error(`empty change: ${JSON.stringify(result)}`);
      return change;
    });
    const last = heard.at(-1);
    expect(last).toMatchObject({
      kind: 'ADDED',
      expenseId: parsed.expenses[0]?.id,
      message: { id: message.id },
    });
    expect(new Set(heard.map((change) => change.cursor)).size).toBe(heard.length);
    expect(
      new Set(heard.map((change) => `${change.kind} ${change.expenseId ?? change.message?.id}`))
        .size,
    ).toBe(heard.length);
    current.lastCursor = last?.cursor;
    subscription.stop();
    return heard;
  } finally {
    await socket.dispose();
  }
}

// ---------------------------------------------------------------------------------------------
// The account, built once through every kind of write

/** Signs up and writes through every path: profile, messages (parsed and rejected), add, update, delete. */
async function createAccount(): Promise<Account> {
  const signedUp = await signUp('user');
  const current: Account = {
    email: signedUp.email,
    password: signedUp.password,
    userId: signedUp.user.id,
    accessToken: signedUp.accessToken,
    refreshToken: signedUp.refreshToken,
    messageIds: [],
    lastCursor: undefined,
  };
  const token = current.accessToken;
  const socket = subscriptionClient(system.graphqlUrl, token);
  const subscription = socket.subscribe<{ expenseChanged: Change }>(changesSubscription);
  try {
    await call(
      `mutation { updateProfile(input: { displayName: "Restart Tester", currency: "USD", timezone: "Europe/Berlin" }) { id } }`,
      {},
      token,
    );
    for (const text of [
      'Spent $50 on groceries today',
      'uber $23.40 yesterday + coffee $4',
      'nothing to see here',
    ]) {
      const message = await logExpense(text, token);
      expect(message.status).toBe('PENDING');
      current.messageIds.push(message.id);
    }
    const outcomes = await Promise.all(current.messageIds.map((id) => settled(id, token)));
    expect(outcomes.map((message) => [message.status, message.expenses.length])).toEqual([
      ['PARSED', 1],
      ['PARSED', 2],
      ['REJECTED', 0],
    ]);
    const lunch = await addExpense(
      { amount: '12.00', category: 'dining', description: 'team lunch' },
      token,
    );
    const train = await addExpense(
      { amount: '30.00', category: 'transport', description: 'train' },
      token,
    );
    await call(
      `mutation ($id: ID!) { updateExpense(id: $id, input: { amount: "15.50", category: "dining", description: "team lunch, tip included" }) { id } }`,
      { id: lunch.id },
      token,
    );
    await call(`mutation ($id: ID!) { deleteExpense(id: $id) }`, { id: train.id }, token);

    // The deletion is the last change: once the subscriber heard it, its cursor marks the end.
    await waitFor(
      () =>
        subscription.results.some(
          (result) =>
            result.data?.expenseChanged.kind === 'DELETED' &&
            result.data.expenseChanged.expenseId === train.id,
        ),
      { timeoutMs: 20_000, description: 'the subscriber to hear the deletion' },
    );
    current.lastCursor = subscription.results.at(-1)?.data?.expenseChanged.cursor;
    expect(subscription.results.at(-1)?.data?.expenseChanged).toMatchObject({
      kind: 'DELETED',
      expenseId: train.id,
    });
    subscription.stop();
  } finally {
    await socket.dispose();
  }
  return current;
}

/** Waits until what the user sees stops changing (projections caught up), then answers it. */
async function settledSnapshot(current: Account): Promise<Snapshot> {
  let previous: string | undefined;
  const outcome = await waitFor(
    async (): Promise<Snapshot | GraphQLFailure | false> => {
      let view: Snapshot;
      try {
        view = await snapshot(current);
      } catch (error) {
        // A refused query stays refused: fail now, not at the timeout. Others may be transient.
        if (error instanceof GraphQLFailure && error.status === 400) return error;
        throw error;
      }
      const text = JSON.stringify(view);
      const stable = text === previous && view.messages.every((m) => m.status !== 'PENDING');
      previous = text;
      return stable ? view : false;
    },
    { timeoutMs: 30_000, intervalMs: 300, maxIntervalMs: 600, description: 'a stable view' },
  );
  if (outcome instanceof GraphQLFailure) throw outcome;
  return outcome;
}

/** Two devices of a person who then logged out everywhere: what each held when it ended. */
async function sessionsEndedEverywhere(): Promise<AuthPayload[]> {
  const person = await signUp('leaving');
  const laptop = await logIn(person.email, person.password);
  const { logOutEverywhere } = await call<{ logOutEverywhere: number }>(
    'mutation { logOutEverywhere }',
    {},
    person.accessToken,
  );
  expect(logOutEverywhere).toBe(2);
  // The gateway ends the caller's session at once, the laptop's when auth's event comes round.
  await waitFor(async () => (await refusals([laptop])).every(Boolean), {
    timeoutMs: 10_000,
    description: "the laptop's session to be ended at the gateway",
  });
  return [person, laptop];
}

/** For each session, whether the gateway refuses its access token. */
async function refusals(sessions: readonly AuthPayload[]): Promise<boolean[]> {
  return Promise.all(
    sessions.map(async ({ accessToken }) => {
      const me = await postGraphQL(system.gatewayUrl, '{ me { id } }', {}, { token: accessToken });
      return errorCodes(me).includes('UNAUTHENTICATED');
    }),
  );
}

/** Every token of `ended` is refused: the access tokens and the refresh tokens alike. */
async function expectEnded(ended: readonly AuthPayload[]): Promise<void> {
  expect(await refusals(ended)).toEqual(ended.map(() => true));
  for (const session of ended) {
    const renewal = await postGraphQL(
      system.gatewayUrl,
      'mutation ($token: String!) { refreshSession(refreshToken: $token) { accessToken } }',
      { token: session.refreshToken },
    );
    expect(errorCodes(renewal)).toEqual(['INVALID_REFRESH_TOKEN']);
  }
}

/** After a restart: the password still logs in, and the refresh token issued before still renews. */
async function expectSessionSurvives(current: Account): Promise<void> {
  const loggedIn = await logIn(current.email, current.password);
  expect(loggedIn.user.id).toBe(current.userId);
  const renewed = await refresh(current.refreshToken);
  expect(renewed.user.id).toBe(current.userId);
  current.accessToken = renewed.accessToken;
  current.refreshToken = renewed.refreshToken;
}

async function theAccount(): Promise<Account> {
  await system.start();
  account ??= await createAccount();
  return account;
}

// ---------------------------------------------------------------------------------------------

/** A test body whose failure carries the tail of every process's log (and keeps the folder). */
function withLogs(body: () => Promise<void>): () => Promise<void> {
  return async () => {
    try {
      await body();
    } catch (error) {
      const report = await system.failureReport();
      if (error instanceof Error) {
        error.message = `${error.message}\n\n${report}`;
        throw error;
      }
      throw new Error(`${String(error)}\n\n${report}`);
    }
  };
}

describe('the whole system, stopped and started again on the same data', () => {
  it(
    'keeps the account, its expenses, totals and messages; parses and delivers what comes next',
    withLogs(async () => {
      const current = await theAccount();
      const before = await settledSnapshot(current);
      expect(before.profile).toMatchObject({
        id: current.userId,
        email: current.email,
        displayName: 'Restart Tester',
        timezone: 'Europe/Berlin',
      });
      expect(before.expenses.map((e) => e.amount.amount).sort()).toEqual([
        '15.50',
        '23.40',
        '4.00',
        '50.00',
      ]);
      expectSummaryMatches(before);
      const accessTokenBefore = current.accessToken;
      const ended = await sessionsEndedEverywhere();
      await expectEnded(ended);

      await system.stop();
      for (const name of [...system.services, 'kafka', 'ferretdb'] as const) {
        expect([name, system.isRunning(name)]).toEqual([name, false]);
      }
      await system.start();

      // A token signed before the stop still verifies: the signing keys were kept.
      const { me } = await call<{ me: { id: string } }>('{ me { id } }', {}, accessTokenBefore);
      expect(me.id).toBe(current.userId);
      // Sessions ended before the stop stay ended: auth's revocations and the topic were kept.
      await expectEnded(ended);
      await expectSessionSurvives(current);
      expect(await settledSnapshot(current)).toEqual(before);
      await newMessageIsParsedAndHeard(current, 'taxi $9.20 today');
      expect(system.unexpectedExits()).toEqual([]);
    }),
    300_000,
  );
});

// ---------------------------------------------------------------------------------------------

interface LoadOutcome {
  /** Manual expenses the system acknowledged, by the description each was sent with. */
  readonly added: Map<string, string>;
  /** Descriptions sent whose answer never came (the process died with them in hand). */
  readonly unanswered: Set<string>;
  /** Messages acknowledged. */
  readonly logged: string[];
  /** Accounts signed up and acknowledged. */
  readonly signedUp: { email: string; password: string; userId: string }[];
  /** The display name sent in flight, and whether the change was acknowledged. */
  readonly renamed: { readonly displayName: string; acknowledged: boolean };
}

/**
 * Writes of every kind at once from the account (and new sign-ups), while `fault` runs: the
 * process is killed with some of them in flight. Failures are expected; what was acknowledged
 * is recorded.
 */
async function writesDuring(
  current: Account,
  label: string,
  fault: () => Promise<void>,
): Promise<LoadOutcome> {
  const outcome: LoadOutcome = {
    added: new Map(),
    unanswered: new Set(),
    logged: [],
    signedUp: [],
    renamed: { displayName: `Restart Tester ${label}`, acknowledged: false },
  };
  const token = current.accessToken;
  const writes: Promise<void>[] = [];
  for (let index = 0; index < 8; index += 1) {
    const description = `${label} write ${index}`;
    writes.push(
      addExpense({ amount: `1.${10 + index}`, category: 'other', description }, token).then(
        (expense) => void outcome.added.set(description, expense.id),
        () => void outcome.unanswered.add(description),
      ),
    );
    if (index % 2 === 0) {
      writes.push(
        logExpense(`snack $2.${10 + index} today`, token).then(
          (message) => void outcome.logged.push(message.id),
          () => undefined,
        ),
      );
    }
  }
  for (let index = 0; index < 2; index += 1) {
    writes.push(
      signUp(`${label}-${index}`).then(
        (payload) =>
          void outcome.signedUp.push({
            email: payload.email,
            password: payload.password,
            userId: payload.user.id,
          }),
        () => undefined,
      ),
    );
  }
  writes.push(
    call(
      `mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { id } }`,
      { input: { displayName: outcome.renamed.displayName } },
      token,
    ).then(
      () => void (outcome.renamed.acknowledged = true),
      () => undefined,
    ),
  );
  // Let the first requests reach the service, then kill it with the rest in flight.
  await new Promise((resolve) => setTimeout(resolve, 150));
  await fault();
  await Promise.all(writes);
  return outcome;
}

/** Every acknowledged write is there once; nothing else changed; totals match the expenses. */
async function expectWritesKept(
  current: Account,
  before: Snapshot,
  load: LoadOutcome,
): Promise<Snapshot> {
  current.messageIds.push(...load.logged);
  const after = await settledSnapshot(current);
  // The rename sent in flight is there if it was acknowledged, and may be if it was not.
  const { displayName, ...profile } = after.profile;
  const { displayName: displayNameBefore, ...profileBefore } = before.profile;
  expect(profile).toEqual(profileBefore);
  expect(
    load.renamed.acknowledged
      ? [load.renamed.displayName]
      : [displayNameBefore, load.renamed.displayName],
  ).toContain(displayName);
  // What was there is unchanged.
  const byId = new Map(after.expenses.map((expense) => [expense.id, expense]));
  for (const expense of before.expenses) expect(byId.get(expense.id)).toEqual(expense);
  expect(after.messages.slice(0, before.messages.length)).toEqual(before.messages);
  // Each acknowledged manual expense exists once; an unanswered one at most once.
  const added = after.expenses.filter((expense) => expense.source === 'MANUAL');
  for (const [description, id] of load.added) {
    expect(added.filter((expense) => expense.description === description).map((e) => e.id)).toEqual(
      [id],
    );
  }
  for (const description of load.unanswered) {
    expect(
      added.filter((expense) => expense.description === description).length,
    ).toBeLessThanOrEqual(1);
  }
  // Each acknowledged message is parsed into exactly one expense; no message yields two.
  for (const message of after.messages.slice(before.messages.length)) {
    expect([message.id, message.status, message.expenses.length]).toEqual([
      message.id,
      'PARSED',
      1,
    ]);
  }
  // A message's expenses are exactly those it lists (the parser's ids are deterministic, so a
  // redelivered message adds nothing); one never acknowledged yields at most its one expense.
  const messages = new Map(after.messages.map((message) => [message.id, message]));
  const byMessage = new Map<string, string[]>();
  for (const expense of after.expenses) {
    if (expense.messageId === null) continue;
    byMessage.set(expense.messageId, [...(byMessage.get(expense.messageId) ?? []), expense.id]);
  }
  for (const [messageId, ids] of byMessage) {
    const known = messages.get(messageId);
    if (known === undefined) expect(ids).toHaveLength(1);
    else expect(ids.sort()).toEqual(known.expenses.map((expense) => expense.id).sort());
  }
  expectSummaryMatches(after);
  // New accounts acknowledged while it died can log in and have their profile.
  for (const person of load.signedUp) {
    const session = await logIn(person.email, person.password);
    const profile = await waitFor(
      async () =>
        (await call<{ me: Profile | null }>('{ me { id email } }', {}, session.accessToken)).me ??
        false,
      { timeoutMs: 20_000, description: `the profile of ${person.email}` },
    );
    expect(profile).toMatchObject({ id: person.userId, email: person.email });
  }
  return after;
}

const services: readonly ServiceName[] = ['auth', 'user', 'expense', 'parser-worker', 'gateway'];
const rounds: readonly (readonly [ServiceName, StopSignal])[] = services.flatMap((service) => [
  [service, 'SIGTERM'] as const,
  [service, 'SIGKILL'] as const,
]);

describe('one service restarted while Kafka and FerretDB keep running', () => {
  it.each(rounds)(
    '%s after %s',
    (service, signal) =>
      withLogs(async () => {
        const current = await theAccount();
        const before = await settledSnapshot(current);
        if (signal === 'SIGTERM') {
          await system.restartService(service);
          await expectSessionSurvives(current);
          expect(await settledSnapshot(current)).toEqual(before);
        } else {
          // Killed mid-write: writes of every kind are in flight when it dies.
          const load = await writesDuring(current, `${service}-kill`, () =>
            system.restartService(service, { signal: 'SIGKILL' }),
          );
          await expectSessionSurvives(current);
          await expectWritesKept(current, before, load);
          // Resuming after its last cursor, the subscriber hears every acknowledged write.
          const heard = await newMessageIsParsedAndHeard(
            current,
            `bus $2.${service.length}0 today`,
          );
          const added = new Set(heard.filter((c) => c.kind === 'ADDED').map((c) => c.expenseId));
          for (const id of load.added.values()) expect([id, added.has(id)]).toEqual([id, true]);
          return;
        }
        await newMessageIsParsedAndHeard(current, `bus $2.${service.length}0 today`);
        expect(system.unexpectedExits()).toEqual([]);
      })(),
    180_000,
  );
});
