import { gatewaySignedHeaders } from './gatewaySigning.ts';

/** A GraphQL answer as the tests read it. */
export interface GraphQLAnswer<Data = Record<string, unknown>> {
  readonly status: number;
  readonly data: Data | null | undefined;
  readonly errors: readonly {
    readonly message: string;
    readonly extensions?: Record<string, unknown>;
  }[];
  readonly extensions: Record<string, unknown> | undefined;
}

export interface PostGraphQLOptions {
  readonly token?: string;
  readonly headers?: Record<string, string>;
  /**
   * Subgraphs answer only the gateway, so by default the request is signed as the gateway would
   * sign it (gateways ignore the signature). `true` sends it as an outsider would.
   */
  readonly unsigned?: boolean;
  /** The client address the signing "gateway" vouches for. */
  readonly clientAddress?: string;
}

/** POSTs one operation to `${baseUrl}/graphql` as a raw HTTP client would, optionally with a bearer token. */
export async function postGraphQL<Data = Record<string, unknown>>(
  baseUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: PostGraphQLOptions = {},
): Promise<GraphQLAnswer<Data>> {
  const url = `${baseUrl}/graphql`;
  const body = JSON.stringify({ query, variables });
  const authorization = options.token === undefined ? undefined : `Bearer ${options.token}`;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(authorization === undefined ? {} : { authorization }),
      ...(options.unsigned === true
        ? {}
        : gatewaySignedHeaders(url, { body, authorization, clientAddress: options.clientAddress })),
      ...options.headers,
    },
    body,
  });
  const answer = (await response.json()) as {
    data?: Data | null;
    errors?: GraphQLAnswer['errors'];
    extensions?: Record<string, unknown>;
  };
  return {
    status: response.status,
    data: answer.data,
    errors: answer.errors ?? [],
    extensions: answer.extensions,
  };
}

/** The `extensions.code` of each error, for compact assertions. */
export function errorCodes(answer: GraphQLAnswer<unknown>): unknown[] {
  return answer.errors.map((error) => error.extensions?.code);
}
