import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import type { ReplicaPool } from '../replicas/replicaPool.ts';

/**
 * One multiplexed graphql-ws connection per subgraph, shared by every subscriber of this gateway
 * instance (thousands of idle sockets must not cost thousands of upstream sockets). Each upstream
 * subscription carries its subscriber's token in `extensions.authorization`, which the subgraph
 * verifies itself. Reconnects go to the next replica of the pool.
 */
export class UpstreamSubscriptions {
  private readonly clients = new Map<string, Client>();

  constructor(private readonly pools: ReadonlyMap<string, ReplicaPool>) {}

  subscribe(
    subgraph: string,
    request: {
      readonly query: string;
      readonly variables: Record<string, unknown>;
      readonly authorization: string;
    },
  ): AsyncIterableIterator<FormattedExecutionResult<Record<string, unknown>>> {
    return this.client(subgraph).iterate({
      query: request.query,
      variables: request.variables,
      extensions: { authorization: request.authorization },
    });
  }

  dispose(): void {
    for (const client of this.clients.values()) void client.dispose();
    this.clients.clear();
  }

  private client(subgraph: string): Client {
    const existing = this.clients.get(subgraph);
    if (existing !== undefined) return existing;
    const pool = this.pools.get(subgraph);
    if (pool === undefined) throw new Error(`no subgraph named ${subgraph}`);
    const client = createClient({
      url: () => (pool.candidates()[0] ?? '').replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      lazy: true,
      lazyCloseTimeout: 5_000,
      keepAlive: 15_000,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
    });
    this.clients.set(subgraph, client);
    return client;
  }
}
