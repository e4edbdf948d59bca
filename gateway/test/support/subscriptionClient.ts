import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { waitFor } from '@cashtrack/test-support';

export interface SocketClosure {
  readonly code: number;
  readonly reason: string;
}

/** A graphql-ws client on the gateway, as an app would open it, that records how it closed. */
export function subscriptionClient(
  graphqlUrl: string,
  token: string | (() => string),
  options: { retry?: boolean } = {},
) {
  const closures: SocketClosure[] = [];
  let acknowledged = false;
  let openSocket: { send(data: string): void } | undefined;
  const client: Client = createClient({
    url: graphqlUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: () => ({
      authorization: `Bearer ${typeof token === 'string' ? token : token()}`,
    }),
    lazy: false,
    retryAttempts: options.retry === true ? 5 : 0,
    retryWait: () => Promise.resolve(),
    on: {
      connected: (socket) => {
        acknowledged = true;
        openSocket = socket as { send(data: string): void };
      },
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        closures.push({ code, reason });
      },
    },
  });
  return {
    client,
    closures,
    connected: () => acknowledged,
    /** Renews the token in-band, as the gateway documents: a ping whose payload carries it. */
    renew(freshToken: string) {
      openSocket?.send(
        JSON.stringify({ type: 'ping', payload: { authorization: `Bearer ${freshToken}` } }),
      );
    },
    /** Collects every result of one subscription until `stop()`. */
    subscribe<Data = Record<string, unknown>>(
      query: string,
      variables: Record<string, unknown> = {},
    ) {
      const results: FormattedExecutionResult<Data, unknown>[] = [];
      const failures: unknown[] = [];
      let completed = false;
      const stop = client.subscribe<Data>(
        { query, variables },
        {
          next: (result) => results.push(result),
          error: (error) => failures.push(error),
          complete: () => {
            completed = true;
          },
        },
      );
      return {
        results,
        failures,
        completed: () => completed,
        async waitForCount(count: number, timeoutMs = 15_000) {
          await waitFor(() => results.length >= count || failures.length > 0, {
            timeoutMs,
            description: `${count} subscription results`,
          });
          if (failures.length > 0)
            throw new Error(`subscription failed: ${JSON.stringify(failures)}`);
          return results.slice(0, count);
        },
        stop,
      };
    },
    dispose: () => client.dispose(),
  };
}
