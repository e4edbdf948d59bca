/** One GraphQL POST to the gateway, as the app makes it, with a bounded wait. */

export type GraphQLOutcome<Data> =
  | { readonly ok: true; readonly data: Data; readonly extensions?: Record<string, unknown> }
  | { readonly ok: false; readonly code: string; readonly message: string };

export interface GatewayClient {
  request<Data>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GraphQLOutcome<Data>>;
}

export function gatewayClient(graphqlUrl: string, timeoutMs: number): GatewayClient {
  return {
    async request<Data>(query: string, variables: Record<string, unknown> = {}, token?: string) {
      try {
        const response = await fetch(graphqlUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
          },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = await response.text();
        let body: {
          data?: Data | null;
          errors?: { message: string; extensions?: { code?: unknown } }[];
          extensions?: Record<string, unknown>;
        };
        try {
          body = JSON.parse(text) as typeof body;
        } catch {
          return { ok: false, code: `HTTP_${response.status}`, message: text.slice(0, 200) };
        }
        const [error] = body.errors ?? [];
        if (error !== undefined || body.data === undefined || body.data === null) {
          const code = error?.extensions?.code;
          return {
            ok: false,
            code: typeof code === 'string' ? code : `HTTP_${response.status}`,
            message: error?.message ?? 'no data',
          };
        }
        return {
          ok: true,
          data: body.data,
          ...(body.extensions === undefined ? {} : { extensions: body.extensions }),
        };
      } catch (error) {
        const name = error instanceof Error ? error.name : 'Error';
        return {
          ok: false,
          code: name === 'TimeoutError' ? 'TIMEOUT' : 'NETWORK',
          message: error instanceof Error ? error.message : String(error),
        };
      }
    },
  };
}
