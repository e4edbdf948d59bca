import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GRAPHQL_TRANSPORT_WS_PROTOCOL } from 'graphql-ws';
import WebSocket from 'ws';
import { waitFor } from '@cashtrack/test-support';
import { subscriptionClient, type SocketClosure } from './support/subscriptionClient.ts';
import { signUpThroughGateway, type GatewaySession } from './support/signUp.ts';
import { startSystem, type RunningSystem } from './support/system.ts';

/**
 * The gateway's WebSocket limits: frame size, operations per socket, sockets per client address
 * (as GATEWAY_TRUST_PROXY makes it) and per user, each refused with a code that names it, and
 * each count given back when a socket closes.
 */

const limits = {
  maxPayloadBytes: 100_000,
  maxSubscriptionsPerSocket: 2,
  maxSocketsPerAddress: 5,
  maxSocketsPerUser: 2,
};

let system: RunningSystem;
const signUp = (): Promise<GatewaySession> => signUpThroughGateway(system.graphqlUrl, 'limited');

const changes = `
  subscription {
    expenseChanged {
      cursor
      kind
    }
  }
`;

/** A bare graphql-ws socket, from `forwardedFor` as a trusted proxy would say. */
function rawSocket(forwardedFor?: string) {
  const socket = new WebSocket(
    system.graphqlUrl.replace(/^http/, 'ws'),
    GRAPHQL_TRANSPORT_WS_PROTOCOL,
    forwardedFor === undefined ? {} : { headers: { 'x-forwarded-for': forwardedFor } },
  );
  // A socket the server refuses may error on writes in flight; the close code is what counts.
  socket.on('error', () => undefined);
  const closed = new Promise<SocketClosure>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  const opened = new Promise<void>((resolve) => socket.on('open', () => resolve()));
  return { socket, closed, opened };
}

/** Closed, or still open after the server had time to close it: what happened within `ms`. */
async function closureWithin(
  closed: Promise<SocketClosure>,
  ms: number,
): Promise<SocketClosure | 'open'> {
  return Promise.race([
    closed,
    new Promise<'open'>((resolve) => setTimeout(() => resolve('open'), ms)),
  ]);
}

beforeAll(async () => {
  system = await startSystem({
    auth: { passwordHashCost: { log2N: 12, r: 8, p: 1 } },
    gateway: { socketLimits: limits, trustProxy: true },
  });
});

afterAll(async () => {
  await system.stop();
});

describe('the WebSocket limits', () => {
  it('closes a socket that sends a 10 MB frame with 1009, and takes a frame under the limit', async () => {
    const big = rawSocket('198.51.100.1');
    await big.opened;
    big.socket.send('x'.repeat(10 * 1024 * 1024));
    const closure = await big.closed;
    expect(closure.code).toBe(1009);

    const small = rawSocket('198.51.100.1');
    await small.opened;
    // Not a valid connection_init (no token): graphql-ws reads it and refuses it with 4403,
    // which shows the frame itself, of nearly the limit, was taken.
    small.socket.send(
      JSON.stringify({ type: 'connection_init', payload: { pad: 'x'.repeat(90_000) } }),
    );
    expect((await small.closed).code).toBe(4403);
  });

  it('answers the subscription past the limit on one socket with TOO_MANY_SUBSCRIPTIONS, and takes one again after another ends', async () => {
    const session = await signUp();
    const client = subscriptionClient(system.graphqlUrl, session.accessToken);
    const first = client.subscribe(changes);
    const second = client.subscribe(changes);
    await waitFor(() => system.expense.liveSubscriptionsOf(session.user.id) >= 2, {
      description: 'two live subscriptions',
    });
    const third = client.subscribe(changes);
    await waitFor(() => third.failures.length > 0, { description: 'the third to be refused' });
    expect(third.failures).toEqual([
      [expect.objectContaining({ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit: 2 } })],
    ]);
    expect(client.closures).toEqual([]);
    expect(first.failures).toEqual([]);

    second.stop();
    await waitFor(() => system.expense.liveSubscriptionsOf(session.user.id) === 1, {
      description: 'the second to end',
    });
    const fourth = client.subscribe(changes);
    await waitFor(() => system.expense.liveSubscriptionsOf(session.user.id) >= 2, {
      description: 'a new one to be live',
    });
    expect(fourth.failures).toEqual([]);
    await client.dispose();
  });

  it('closes a user’s socket past the limit with 4431, and lets the user reconnect once one closed', async () => {
    const session = await signUp();
    const one = subscriptionClient(system.graphqlUrl, session.accessToken);
    const two = subscriptionClient(system.graphqlUrl, session.accessToken);
    await waitFor(() => one.connected() && two.connected(), { description: 'two sockets' });
    const three = subscriptionClient(system.graphqlUrl, session.accessToken);
    await waitFor(() => three.closures.length > 0, { description: 'the third to be closed' });
    expect(three.closures[0]?.code).toBe(4431);
    expect(three.connected()).toBe(false);

    // Another user is not held back by this one.
    const other = subscriptionClient(system.graphqlUrl, (await signUp()).accessToken);
    await waitFor(() => other.connected(), { description: 'another user’s socket' });

    // Over and over, so a count that leaked would show.
    for (let round = 0; round < 3; round += 1) {
      await two.dispose();
      const again = subscriptionClient(system.graphqlUrl, session.accessToken);
      await waitFor(() => again.connected() || again.closures.length > 0, {
        description: 'a reconnect',
      });
      expect(again.closures).toEqual([]);
      await again.dispose();
    }
    await Promise.all([one.dispose(), three.dispose(), other.dispose()]);
  });

  it('closes a socket past the limit per client address with 4430, taking the address from x-forwarded-for behind a trusted proxy', async () => {
    const address = '203.0.113.7';
    const held = Array.from({ length: limits.maxSocketsPerAddress }, () => rawSocket(address));
    await Promise.all(held.map((socket) => socket.opened));
    const over = rawSocket(address);
    expect(await over.closed).toEqual({ code: 4430, reason: 'Too many sockets from this address' });

    // Another address is not held back by this one.
    const elsewhere = rawSocket('203.0.113.8');
    await elsewhere.opened;
    expect(await closureWithin(elsewhere.closed, 300)).toBe('open');

    held[0]?.socket.close();
    await held[0]?.closed;
    const after = rawSocket(address);
    await after.opened;
    expect(await closureWithin(after.closed, 300)).toBe('open');

    for (const socket of [...held, after, elsewhere]) socket.socket.close();
    await Promise.all([...held, after, elsewhere].map((socket) => socket.closed));
  });

  it('counts nothing once every socket has closed', async () => {
    await waitFor(
      () => {
        const counted = system.gateway.countedSocketKeys();
        return counted.addresses === 0 && counted.users === 0;
      },
      { description: 'the socket counts to return to zero' },
    );
  });
});
