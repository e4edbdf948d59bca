/** A GraphQL POST as the gateway makes it: bearer token, JSON body, JSON answer. */
export interface GraphQLAnswer<Data> {
  readonly data?: Data | null;
  readonly errors?: readonly {
    readonly message: string;
    readonly extensions?: { readonly code?: string; readonly [key: string]: unknown };
  }[];
  readonly extensions?: Readonly<Record<string, unknown>>;
}

export async function postGraphQL<Data = Record<string, unknown>>(
  url: string,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLAnswer<Data>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLAnswer<Data>;
}

/** The error codes of an answer, in order. */
export function errorCodes(answer: GraphQLAnswer<unknown>): (string | undefined)[] {
  return (answer.errors ?? []).map((error) => error.extensions?.code);
}
