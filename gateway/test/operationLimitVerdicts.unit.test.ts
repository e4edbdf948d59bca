import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { operationLimitsFromEnv, operationLimitsPlugin } from '@cashtrack/platform/graphql';

/**
 * The operation limits on a real Apollo Server, as the gateway runs them: verdicts are kept per
 * document and list sizes, so a repeated or persisted operation is neither parsed nor validated
 * again, and a kept verdict never answers a request whose list sizes differ.
 */

const typeDefs = `
  type Expense { id: ID! description: String! tags: [String!]! }
  type Query { expenses(first: Int, search: String): [Expense!]! }
`;
const resolvers = { Query: { expenses: () => [{ id: 'e1', description: 'coffee', tags: [] }] } };
const listQuery =
  'query List($first: Int, $search: String) { expenses(first: $first, search: $search) { id description tags } }';

/** Counts the request phases Apollo runs, so a test can see what a request skipped. */
function phaseCounter(): {
  plugin: ApolloServerPlugin<BaseContext>;
  parsed: number;
  validated: number;
} {
  const counter = {
    parsed: 0,
    validated: 0,
    plugin: {
      async requestDidStart() {
        return {
          async parsingDidStart() {
            counter.parsed += 1;
          },
          async validationDidStart() {
            counter.validated += 1;
          },
        };
      },
    } satisfies ApolloServerPlugin<BaseContext>,
  };
  return counter;
}

async function serverWith(plugin: ApolloServerPlugin<BaseContext>): Promise<ApolloServer> {
  const server = new ApolloServer({
    typeDefs,
    resolvers,
    plugins: [operationLimitsPlugin(operationLimitsFromEnv()), plugin],
  });
  await server.start();
  return server;
}

async function codesOf(
  server: ApolloServer,
  request: Parameters<ApolloServer['executeOperation']>[0],
): Promise<unknown[]> {
  const answer = await server.executeOperation(request);
  if (answer.body.kind !== 'single') throw new Error('expected a single answer');
  return (answer.body.singleResult.errors ?? []).map((error) => error.extensions?.code);
}

describe('operation limit verdicts', () => {
  it('follow each request’s list sizes, whatever was answered before for the same text', async () => {
    const server = await serverWith(phaseCounter().plugin);
    const list = (first: number | null, search: string) =>
      codesOf(server, { query: listQuery, variables: { first, search } });
    expect(await list(10, 'a')).toEqual([]);
    expect(await list(100_000, 'a')).toEqual(['QUERY_TOO_COSTLY']);
    expect(await list(10, 'b')).toEqual([]);
    expect(await list(100_000, 'b')).toEqual(['QUERY_TOO_COSTLY']);
    expect(await list(null, 'c')).toEqual([]);
    await server.stop();
  });

  it('skip parsing and validation for a persisted query’s hit', async () => {
    const counter = phaseCounter();
    const server = await serverWith(counter.plugin);
    const sha256Hash = createHash('sha256').update(listQuery).digest('hex');
    const persisted = { persistedQuery: { version: 1, sha256Hash } };
    expect(
      await codesOf(server, { query: listQuery, variables: { first: 5 }, extensions: persisted }),
    ).toEqual([]);
    expect(counter).toMatchObject({ parsed: 1, validated: 1 });
    expect(await codesOf(server, { variables: { first: 5 }, extensions: persisted })).toEqual([]);
    expect(await codesOf(server, { variables: { first: 7 }, extensions: persisted })).toEqual([]);
    expect(counter).toMatchObject({ parsed: 1, validated: 1 });
    // A hit still meets the limits with its own list sizes.
    expect(await codesOf(server, { variables: { first: 100_000 }, extensions: persisted })).toEqual(
      ['QUERY_TOO_COSTLY'],
    );
    await server.stop();
  });
});
