import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { waitFor } from '@cashtrack/test-support';
import {
  ApolloClient,
  gatewayClient,
  GraphQLWsLink,
  gql,
  InMemoryCache,
} from './support/apolloClient.ts';
import { subscriptionClient } from './support/subscriptionClient.ts';
import { startSystem, type RunningSystem } from './support/system.ts';

interface Session {
  readonly accessToken: string;
  readonly user: { readonly id: string; readonly displayName: string };
}

/** Runs `task` for 0..count-1, at most `width` at a time. */
async function inBatches<T>(
  count: number,
  width: number,
  task: (index: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += width) {
    const batch = Array.from({ length: Math.min(width, count - start) }, (_, offset) =>
      task(start + offset),
    );
    results.push(...(await Promise.all(batch)));
  }
  return results;
}

interface Change {
  readonly cursor: string;
  readonly kind: string;
  readonly expenseId: string | null;
  readonly expense: {
    readonly id: string;
    readonly amount: { readonly amount: string; readonly currency: string };
    readonly category: string;
    readonly occurredOn: string;
    /** `displayName` in `changesSubscription`, `id` in `ownChangesSubscription`. */
    readonly user: { readonly id?: string; readonly displayName?: string };
  } | null;
  readonly message: { readonly id: string; readonly reason: string | null } | null;
}

/** The changes subscription, selecting `userField` of the expense's user. */
const changesSelecting = (name: string, userField: 'displayName' | 'id'): string => `
  subscription ${name}($after: String) {
    expenseChanged(after: $after) {
      cursor kind expenseId
      expense { id amount { amount currency } category occurredOn user { ${userField} } }
      message { id reason }
    }
  }
`;

/** A User field: the gateway follows each upstream cursor up through query planning. */
const changesSubscription = changesSelecting('Changes', 'displayName');

/**
 * Only fields the expense subgraph owns: the gateway sends this subscription to the subgraph as
 * it is and forwards its events. Tests below use both.
 */
const ownChangesSubscription = changesSelecting('OwnChanges', 'id');

let system: RunningSystem;

/**
 * Waits until the user's subscription hears every change logged from now on. The socket's ack is
 * not enough: a subscription without `after` starts at the user's newest change as of the
 * expense subgraph's first read, which can come after a change the test makes right away.
 */
async function listening(sessions: readonly Session[], timeoutMs?: number): Promise<void> {
  await waitFor(
    () => sessions.every((session) => system.expense.liveSubscriptionsOf(session.user.id) > 0),
    {
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      description: 'the subscriptions to be live',
    },
  );
}
let people = 0;

async function signUp(timezone?: string): Promise<Session> {
  people += 1;
  const answer = await gatewayClient(system.graphqlUrl).mutate<{ signUp: Session }>(
    gql`
      mutation ($input: SignUpInput!) {
        signUp(input: $input) {
          accessToken
          user {
            id
            displayName
          }
        }
      }
    `,
    {
      input: {
        email: `subscriber${people}@example.com`,
        password: 'subscriber-pass',
        displayName: `Subscriber ${people}`,
      },
    },
  );
  const signedUp = answer.data?.signUp;
  if (signedUp === undefined) throw new Error(`sign-up failed: ${JSON.stringify(answer.errors)}`);
  const session = { ...signedUp, user: { ...signedUp.user, displayName: `Subscriber ${people}` } };
  if (timezone !== undefined) {
    await gatewayClient(system.graphqlUrl, session.accessToken).mutate(
      gql`
        mutation ($input: UpdateProfileInput!) {
          updateProfile(input: $input) {
            id
          }
        }
      `,
      { input: { timezone } },
    );
  }
  return session;
}

function addExpense(session: Session, amount: string, description: string) {
  return gatewayClient(system.graphqlUrl, session.accessToken).mutate<{
    addExpense: { id: string };
  }>(
    gql`
      mutation ($input: ExpenseInput!) {
        addExpense(input: $input) {
          id
        }
      }
    `,
    { input: { amount, category: 'dining', description } },
  );
}

beforeAll(async () => {
  // A cheaper password hash: this file signs up over two hundred people.
  system = await startSystem({ auth: { passwordHashCost: { log2N: 12, r: 8, p: 1 } } });
});

afterAll(async () => {
  await system.stop();
});

describe('expenseChanged through the gateway', () => {
  it('hears logExpense as ADDED with money, category, the user’s today and displayName; then UPDATED and DELETED', async () => {
    const session = await signUp('Pacific/Kiritimati');
    const socket = subscriptionClient(system.graphqlUrl, session.accessToken);
    const subscription = socket.subscribe<{ expenseChanged: Change }>(changesSubscription);
    await listening([session]);

    const client = gatewayClient(system.graphqlUrl, session.accessToken);
    const logged = await client.mutate<{ logExpense: { id: string; status: string } }>(gql`
      mutation {
        logExpense(text: "Spent $50 on groceries today") {
          id
          status
        }
      }
    `);
    expect(logged.data?.logExpense.status).toBe('PENDING');

    const [added] = await subscription.waitForCount(1);
    const today = DateTime.now().setZone('Pacific/Kiritimati').toISODate();
    expect(added?.data?.expenseChanged).toMatchObject({
      kind: 'ADDED',
      expense: {
        amount: { amount: '50.00', currency: 'USD' },
        category: 'groceries',
        occurredOn: today,
        user: { displayName: session.user.displayName },
      },
      message: { id: logged.data?.logExpense.id },
    });
    const expenseId = added?.data?.expenseChanged.expenseId;

    await client.mutate(
      gql`
        mutation ($id: ID!) {
          updateExpense(id: $id, input: { amount: "55.50", category: "groceries" }) {
            id
          }
        }
      `,
      {
        id: expenseId,
      },
    );
    await client.mutate(
      gql`
        mutation ($id: ID!) {
          deleteExpense(id: $id)
        }
      `,
      { id: expenseId },
    );
    const [, updated, deleted] = await subscription.waitForCount(3);
    expect(updated?.data?.expenseChanged).toMatchObject({
      kind: 'UPDATED',
      expense: { amount: { amount: '55.50' } },
    });
    expect(deleted?.data?.expenseChanged).toMatchObject({ kind: 'DELETED', expenseId });
    subscription.stop();
    await socket.dispose();
  });

  it('hears a message the parser could not read as REJECTED with its reason', async () => {
    const session = await signUp();
    const socket = subscriptionClient(system.graphqlUrl, session.accessToken);
    const subscription = socket.subscribe<{ expenseChanged: Change }>(changesSubscription);
    await listening([session]);
    await gatewayClient(system.graphqlUrl, session.accessToken).mutate(gql`
      mutation {
        logExpense(text: "hello how are you") {
          id
        }
      }
    `);
    const [rejected] = await subscription.waitForCount(1);
    expect(rejected?.data?.expenseChanged.kind).toBe('REJECTED');
    expect(rejected?.data?.expenseChanged.message?.reason).toEqual(expect.any(String));
    await socket.dispose();
  });

  it('resumes after the last cursor it saw with exactly what it missed, then the live stream', async () => {
    const session = await signUp();
    const first = subscriptionClient(system.graphqlUrl, session.accessToken);
    const live = first.subscribe<{ expenseChanged: Change }>(changesSubscription);
    await listening([session]);
    await addExpense(session, '1.00', 'one');
    const [seen] = await live.waitForCount(1);
    await first.dispose();

    await addExpense(session, '2.00', 'two');
    await addExpense(session, '3.00', 'three');

    const second = subscriptionClient(system.graphqlUrl, session.accessToken);
    const resumed = second.subscribe<{ expenseChanged: Change }>(ownChangesSubscription, {
      after: seen?.data?.expenseChanged.cursor,
    });
    const missed = await resumed.waitForCount(2);
    await addExpense(session, '4.00', 'four');
    const all = await resumed.waitForCount(3);
    expect(all.map((result) => result.data?.expenseChanged.expense?.amount.amount)).toEqual([
      '2.00',
      '3.00',
      '4.00',
    ]);
    expect(missed).toHaveLength(2);
    const cursors = all.map((result) => result.data?.expenseChanged.cursor ?? '');
    expect([...cursors].sort()).toEqual(cursors);
    await second.dispose();
  });

  it('never lets one user hear another’s changes, across 200 subscribers', async () => {
    const sessions = await inBatches(200, 20, () => signUp());
    const sockets = sessions.map((session) =>
      subscriptionClient(system.graphqlUrl, session.accessToken),
    );
    const subscriptions = sockets.map((socket) =>
      socket.subscribe<{ expenseChanged: Change }>(ownChangesSubscription),
    );
    await listening(sessions, 30_000);
    const added = await Promise.all(
      sessions.map((session, index) => addExpense(session, `${index + 1}.00`, `mine ${index}`)),
    );
    await Promise.all(subscriptions.map((subscription) => subscription.waitForCount(1, 60_000)));
    subscriptions.forEach((subscription, index) => {
      expect(subscription.results.map((result) => result.data?.expenseChanged.expenseId)).toEqual([
        added[index]?.data?.addExpense.id,
      ]);
      expect(subscription.results[0]?.data?.expenseChanged.expense?.user.id).toBe(
        sessions[index]?.user.id,
      );
    });
    await Promise.all(sockets.map(async (socket) => socket.dispose()));
  }, 180_000);
});

describe('a subscriber that leaves', () => {
  it('ends its upstream subscription at once, even while nothing has happened for it', async () => {
    const session = await signUp();
    await waitFor(() => system.gateway.upstreamSubscriptions() === 0, {
      description: 'the earlier tests’ subscriptions to end',
    });
    const idle = subscriptionClient(system.graphqlUrl, session.accessToken);
    const stopped = subscriptionClient(system.graphqlUrl, session.accessToken);
    idle.subscribe(changesSubscription);
    const stream = stopped.subscribe(changesSubscription);
    await waitFor(() => system.gateway.upstreamSubscriptions() === 2, {
      description: 'both upstream subscriptions',
    });

    await waitFor(() => system.expense.liveSubscriptionsOf(session.user.id) === 2, {
      description: 'both streams in the expense subgraph',
    });

    stream.stop();
    await waitFor(() => system.gateway.upstreamSubscriptions() === 1, {
      description: 'the completed one to end upstream',
    });
    await waitFor(() => system.expense.liveSubscriptionsOf(session.user.id) === 1, {
      description: 'the completed one’s stream to end',
    });
    await idle.dispose();
    await waitFor(() => system.gateway.upstreamSubscriptions() === 0, {
      description: 'the closed socket’s one to end upstream',
    });
    await waitFor(() => system.expense.liveSubscriptionsOf(session.user.id) === 0, {
      description: 'the closed socket’s stream to end',
    });
    await stopped.dispose();
  });
});

describe('Apollo Client', () => {
  it('subscribes through GraphQLWsLink and hears an added expense', async () => {
    const session = await signUp();
    const socket = subscriptionClient(system.graphqlUrl, session.accessToken);
    const client = new ApolloClient({
      link: new GraphQLWsLink(socket.client),
      cache: new InMemoryCache(),
    });
    const heard: Change[] = [];
    const subscription = client
      .subscribe<{ expenseChanged: Change }>({
        query: gql(changesSubscription),
        fetchPolicy: 'no-cache',
      })
      .subscribe({
        next: (result) => {
          if (result.data) heard.push(result.data.expenseChanged);
        },
      });
    await listening([session]);
    const added = await addExpense(session, '9.99', 'apollo');
    await waitFor(() => heard.length > 0, { description: 'the change through Apollo Client' });
    expect(heard[0]).toMatchObject({ kind: 'ADDED', expenseId: added.data?.addExpense.id });
    subscription.unsubscribe();
    await socket.dispose();
  });
});

describe('the subscription socket and its token', () => {
  it('refuses a connection without a valid token with close code 4403', async () => {
    const socket = subscriptionClient(system.graphqlUrl, 'not-a-token');
    socket.subscribe(changesSubscription);
    await waitFor(() => socket.closures.length > 0, { description: 'the socket to close' });
    expect(socket.closures[0]?.code).toBe(4403);
    await socket.dispose();
  });

  it('closes with 4419 when the token expires, unless a ping renewed it first', async () => {
    const session = await signUp();
    const email = `subscriber${people}@example.com`;
    const logIn = () =>
      gatewayClient(system.graphqlUrl).mutate<{ logIn: { accessToken: string } }>(
        gql`
          mutation ($input: LogInInput!) {
            logIn(input: $input) {
              accessToken
            }
          }
        `,
        { input: { email, password: 'subscriber-pass' } },
      );
    // Tokens auth signs as if 14 min 57 s ago: they expire in about 3 s.
    system.identity.clock.advance(-(15 * 60 - 3) * 1000);
    const shortLived = (await logIn()).data?.logIn.accessToken ?? '';
    system.identity.clock.advance((15 * 60 - 3) * 1000);

    const expiring = subscriptionClient(system.graphqlUrl, shortLived);
    const expiringStream = expiring.subscribe<{ expenseChanged: Change }>(changesSubscription);
    const renewed = subscriptionClient(system.graphqlUrl, shortLived);
    const renewedStream = renewed.subscribe<{ expenseChanged: Change }>(changesSubscription);
    await waitFor(() => expiring.connected() && renewed.connected(), {
      description: 'both sockets',
    });
    renewed.renew((await logIn()).data?.logIn.accessToken ?? '');

    await waitFor(() => expiring.closures.length > 0, {
      timeoutMs: 15_000,
      description: 'the expired socket to close',
    });
    expect(expiring.closures[0]).toMatchObject({ code: 4419, reason: 'Access token expired' });
    expect(renewed.closures).toEqual([]);

    // The renewed socket still hears changes after the first token's expiry.
    await addExpense(session, '7.00', 'after renewal');
    const [heard] = await renewedStream.waitForCount(1);
    expect(heard?.data?.expenseChanged.kind).toBe('ADDED');
    expect(expiringStream.results).toEqual([]);
    await expiring.dispose();
    await renewed.dispose();
  });
});
