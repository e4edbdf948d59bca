import { createRequire } from 'node:module';
import type * as ApolloCore from '@apollo/client/core';
import type * as ApolloSubscriptions from '@apollo/client/link/subscriptions';
import type { DocumentNode } from '@apollo/client/core';

// Apollo Client 3 is CommonJS under Node; Jest's ES-module linker cannot see its named exports,
// so it is required, typed as what it is.
const apollo = createRequire(import.meta.url)('@apollo/client/core') as typeof ApolloCore;
const { ApolloError, HttpLink } = apollo;
export const { ApolloClient, InMemoryCache, gql } = apollo;
export const { GraphQLWsLink } = createRequire(import.meta.url)(
  '@apollo/client/link/subscriptions',
) as typeof ApolloSubscriptions;

/** What a test reads from one operation sent through Apollo Client. */
export interface ClientAnswer<Data> {
  readonly data: Data | null | undefined;
  /** `extensions.code` of every GraphQL error, in order. */
  readonly codes: readonly unknown[];
  /** HTTP status when the server answered with a non-2xx status. */
  readonly status: number | undefined;
  readonly errors: readonly {
    readonly message: string;
    readonly extensions?: Record<string, unknown>;
  }[];
}

/**
 * Apollo Client (the real client the app uses) against the gateway, caching nothing, so each
 * call is one HTTP request. `token` becomes `Authorization: Bearer <token>`.
 */
export function gatewayClient(graphqlUrl: string, token?: string) {
  const client = new ApolloClient({
    link: new HttpLink({
      uri: graphqlUrl,
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    }),
    cache: new InMemoryCache(),
    defaultOptions: {
      query: { fetchPolicy: 'no-cache', errorPolicy: 'all' },
      mutate: { fetchPolicy: 'no-cache', errorPolicy: 'all' },
    },
  });

  async function settle<Data>(
    operation: () => Promise<{ data?: Data | null; errors?: readonly ApolloErrorShape[] }>,
  ) {
    try {
      const result = await operation();
      const errors = (result.errors ?? []).map(shape);
      return {
        data: result.data,
        errors,
        codes: errors.map((error) => error.extensions?.code),
        status: undefined,
      };
    } catch (error) {
      if (!(error instanceof ApolloError)) throw error;
      const network = error.networkError as {
        statusCode?: number;
        result?: { errors?: ApolloErrorShape[] };
      } | null;
      const errors = [...error.graphQLErrors, ...(network?.result?.errors ?? [])].map(shape);
      return {
        data: undefined,
        errors,
        codes: errors.map((entry) => entry.extensions?.code),
        status: network?.statusCode,
      };
    }
  }

  return {
    query: <Data>(
      query: DocumentNode,
      variables: Record<string, unknown> = {},
    ): Promise<ClientAnswer<Data>> => settle<Data>(() => client.query<Data>({ query, variables })),
    mutate: <Data>(
      mutation: DocumentNode,
      variables: Record<string, unknown> = {},
    ): Promise<ClientAnswer<Data>> =>
      settle<Data>(() => client.mutate<Data>({ mutation, variables })),
  };
}

interface ApolloErrorShape {
  readonly message: string;
  readonly extensions?: Record<string, unknown> | null;
}

function shape(error: ApolloErrorShape): { message: string; extensions?: Record<string, unknown> } {
  return { message: error.message, ...(error.extensions ? { extensions: error.extensions } : {}) };
}
