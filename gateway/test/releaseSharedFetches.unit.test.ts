import { describe, expect, it } from '@jest/globals';
import { ApolloServer } from '@apollo/server';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { GatewayContext } from '../src/context.ts';
import { releaseSharedFetches } from '../src/plugins/releaseSharedFetches.ts';
import { SharedQueryFetches } from '../src/replicas/sharedQueryFetches.ts';

/**
 * The plugin on a real Apollo Server: a user's mutation, once run and before its answer is sent,
 * leaves none of that user's earlier fetches open to later queries; queries and other users'
 * mutations leave them as they are.
 */

const typeDefs = 'type Query { expenses: [String!]! } type Mutation { addExpense: String! }';
const resolvers = {
  Query: { expenses: () => ['e1'] },
  Mutation: { addExpense: () => 'e2' },
};

function contextFor(userId: string): GatewayContext {
  return {
    correlationId: 'c1',
    clientAddress: '127.0.0.1',
    authorization: `Bearer ${userId}`,
    viewer: { userId, tokenId: `${userId}-token`, expiresAt: new Date(Date.now() + 60_000) },
    issuedInOperation: {},
    internal: false,
  };
}

async function serverWith(
  shared: SharedQueryFetches<GatewayGraphQLResponse>,
): Promise<ApolloServer<GatewayContext>> {
  const server = new ApolloServer<GatewayContext>({
    typeDefs,
    resolvers,
    plugins: [releaseSharedFetches(shared)],
  });
  await server.start();
  return server;
}

/** A fetch of `userId`'s that stays in flight until the test ends. */
function fetchInFlight(shared: SharedQueryFetches<GatewayGraphQLResponse>, userId: string): void {
  void shared.fetch(userId, 'expense\nquery { expenses }', () => new Promise(() => undefined));
}

describe('releaseSharedFetches', () => {
  it('closes the user’s fetches in flight to later queries once their mutation has run', async () => {
    const shared = new SharedQueryFetches<GatewayGraphQLResponse>((answer) => answer);
    const server = await serverWith(shared);
    fetchInFlight(shared, 'user-1');
    expect(shared.joinable()).toBe(1);
    const answer = await server.executeOperation(
      { query: 'mutation { addExpense }' },
      { contextValue: contextFor('user-1') },
    );
    expect(answer.body.kind === 'single' && answer.body.singleResult.data).toEqual({
      addExpense: 'e2',
    });
    expect(shared.joinable()).toBe(0);
    await server.stop();
  });

  it('leaves them open after a query, and after another user’s mutation', async () => {
    const shared = new SharedQueryFetches<GatewayGraphQLResponse>((answer) => answer);
    const server = await serverWith(shared);
    fetchInFlight(shared, 'user-1');
    await server.executeOperation(
      { query: '{ expenses }' },
      { contextValue: contextFor('user-1') },
    );
    await server.executeOperation(
      { query: 'mutation { addExpense }' },
      { contextValue: contextFor('user-2') },
    );
    expect(shared.joinable()).toBe(1);
    await server.stop();
  });
});
