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

/** POSTs one operation to `${baseUrl}/graphql` as a raw HTTP client would, optionally with a bearer token. */
export async function postGraphQL<Data = Record<string, unknown>>(
  baseUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: { readonly token?: string; readonly headers?: Record<string, string> } = {},
): Promise<GraphQLAnswer<Data>> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    data?: Data | null;
    errors?: GraphQLAnswer['errors'];
    extensions?: Record<string, unknown>;
  };
  return {
    status: response.status,
    data: body.data,
    errors: body.errors ?? [],
    extensions: body.extensions,
  };
}

/** The `extensions.code` of each error, for compact assertions. */
export function errorCodes(answer: GraphQLAnswer<unknown>): unknown[] {
  return answer.errors.map((error) => error.extensions?.code);
}
