import type { IncomingMessage, Server } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SubgraphContext } from './subgraphServer.ts';

export interface SubgraphSubscriptionsOptions {
  readonly server: Server;
  readonly path: string;
  readonly schema: GraphQLSchema;
  /** The resolver context for one subscription, from the authorization that came with it. */
  readonly context: (
    request: IncomingMessage,
    authorization: string | undefined,
  ) => Promise<SubgraphContext>;
}

type Extra = { readonly socket: WebSocket; readonly request: IncomingMessage };

/**
 * graphql-ws on a subgraph's HTTP server. A subscription's token may come in its own
 * `extensions.authorization` (the gateway sends each subscriber's token that way over one shared
 * socket) or in `connectionParams.authorization`; resolvers call `requireViewer` as for queries.
 */
export function serveSubscriptions(options: SubgraphSubscriptionsOptions): {
  dispose(): Promise<void>;
} {
  const webSocketServer = new WebSocketServer({ server: options.server, path: options.path });
  const cleanup = useServer<Record<string, unknown>, Extra>(
    {
      schema: options.schema,
      context: (ctx, _id, payload) => {
        const fromSubscription = payload.extensions?.authorization;
        const fromConnection = ctx.connectionParams?.authorization;
        const authorization =
          typeof fromSubscription === 'string'
            ? fromSubscription
            : typeof fromConnection === 'string'
              ? fromConnection
              : undefined;
        return options.context(ctx.extra.request, authorization);
      },
    },
    webSocketServer,
  );
  return {
    async dispose() {
      await cleanup.dispose();
      await new Promise<void>((resolve) => webSocketServer.close(() => resolve()));
    },
  };
}
