import type { IncomingMessage, Server } from 'node:http';
import { specifiedRules, type GraphQLSchema } from 'graphql';
import { createDocumentCache } from './documentCache.ts';
import { WebSocketServer, type WebSocket } from 'ws';
import { CodedError, errorMessage } from '../errors.ts';
import { serveGraphQLWs } from './graphqlWsServer.ts';
import { activeTracer } from '../tracing/startTracing.ts';
import { subscribeWithTraceContext } from './subscriptionTraceContext.ts';
import type { Logger } from '../logger.ts';
import { operationLimitRules, type OperationLimits } from './operationLimits.ts';
import type { SubgraphContext } from './subgraphServer.ts';

export interface SubgraphSubscriptionsOptions {
  readonly server: Server;
  readonly path: string;
  readonly schema: GraphQLSchema;
  /** The same operation limits as over HTTP. */
  readonly limits: OperationLimits;
  /**
   * Throws unless the upgrade request was signed by the gateway; a refused upgrade is answered
   * 401 with the error's code, before any socket exists.
   */
  readonly verifyUpgrade: (request: IncomingMessage) => void;
  /** The resolver context for one subscription, from the authorization that came with it. */
  readonly context: (
    request: IncomingMessage,
    authorization: string | undefined,
  ) => Promise<SubgraphContext>;
  readonly log: Logger;
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
  const webSocketServer = new WebSocketServer({
    server: options.server,
    path: options.path,
    verifyClient: ({ req }, accept) => {
      try {
        options.verifyUpgrade(req);
        accept(true);
      } catch (error) {
        const code = error instanceof CodedError ? error.code : 'GATEWAY_SIGNATURE_INVALID';
        options.log.warn(
          { code, remoteAddress: req.socket.remoteAddress, err: errorMessage(error) },
          'unsigned subscription socket refused',
        );
        accept(false, 401, code);
      }
    },
  });
  // Variables are not known when a text is first checked: list sizes given as variables count
  // at the largest page, and fragments as no level, as over HTTP.
  const parsedAndValidated = createDocumentCache({
    schema: options.schema,
    rules: [...specifiedRules, ...operationLimitRules(options.limits, { flattenFragments: true })],
    maxTokens: options.limits.maxTokens,
  });
  const cleanup = serveGraphQLWs<Record<string, unknown>, Extra>(
    webSocketServer,
    {
      schema: options.schema,
      // Tracing off, graphql-js's own `subscribe`: events carry no trace context to send on.
      ...(activeTracer() === undefined ? {} : { subscribe: subscribeWithTraceContext }),
      onSubscribe: async (ctx, _id, payload) => {
        const document = parsedAndValidated(payload.query);
        if (!('kind' in document)) return document;
        const fromSubscription = payload.extensions?.authorization;
        const fromConnection = ctx.connectionParams?.authorization;
        const authorization =
          typeof fromSubscription === 'string'
            ? fromSubscription
            : typeof fromConnection === 'string'
              ? fromConnection
              : undefined;
        // The token is verified once, here; graphql-ws keeps the message (and so the payload) for
        // as long as the subscription runs, so it should not keep the token's text too.
        if (payload.extensions !== undefined && payload.extensions !== null) {
          delete payload.extensions.authorization;
        }
        return {
          schema: options.schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: await options.context(ctx.extra.request, authorization),
        };
      },
    },
    { extra: (socket, request) => ({ socket, request }), log: options.log },
  );
  return cleanup;
}
