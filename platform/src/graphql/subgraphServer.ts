import type { IncomingMessage, Server } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { DocumentNode } from 'graphql';
import type { Registry } from 'prom-client';
import type { VerifiedAccessToken } from '../accessTokens.ts';
import { bearerToken, type AccessTokenVerifier } from '../tokens/accessTokenVerifier.ts';
import { newCorrelationId, withCorrelation } from '../correlation.ts';
import { CodedError, errorMessage } from '../errors.ts';
import {
  gatewayClientAddressHeader,
  gatewaySignatureHeader,
  gatewayTimestampHeader,
  subgraphSharedSecretFromEnv,
  verifyGatewaySignature,
} from '../gatewaySignature.ts';
import { clientErrorCode, createErrorFormatter, unauthenticatedError } from './graphqlErrors.ts';
import { correlationIdOf, sendJson, type HttpMount } from '../http/httpServer.ts';
import type { Logger } from '../logger.ts';
import { graphqlMetricsPlugin } from '../metrics/graphqlMetrics.ts';
import {
  operationLimitsFromEnv,
  operationLimitsPlugin,
  type OperationLimits,
} from './operationLimits.ts';
import { serveSubscriptions } from './subgraphSubscriptions.ts';
import { resumeRequestTrace } from '../tracing/httpSpans.ts';

/** What every resolver of every subgraph receives. */
export interface SubgraphContext {
  readonly correlationId: string;
  /**
   * The end client's address as the gateway vouched for it in its signed request; the socket's
   * address when it sent none. Never `x-forwarded-for`: anyone can write that.
   */
  readonly clientAddress: string;
  /** The verified caller, or null when the request carried no valid access token. */
  readonly viewer: VerifiedAccessToken | null;
  /** Why a token that was sent was refused, so `requireViewer` can say so. */
  readonly authFailure: CodedError | null;
  readonly log: Logger;
  /** Resolvers may add entries; they are sent in the response's `extensions`. */
  readonly responseExtensions: Record<string, unknown>;
}

/** The verified caller, or a GraphQL error `UNAUTHENTICATED` (HTTP 401). */
export function requireViewer(context: SubgraphContext): VerifiedAccessToken {
  if (context.viewer !== null) return context.viewer;
  throw unauthenticatedError(
    context.authFailure === null ? undefined : 'The access token is not valid',
  );
}

export type SubgraphResolvers = GraphQLResolverMap<SubgraphContext>;

export interface SubgraphGraphQLOptions {
  readonly typeDefs: DocumentNode;
  readonly resolvers: SubgraphResolvers;
  /** Checks `Authorization: Bearer` tokens; the result is `context.viewer`. */
  readonly verifier: AccessTokenVerifier;
  /** Where the server listens: off loopback the shared secret must be set (gatewaySignature.ts). */
  readonly host: string;
  /** Largest request body accepted, in bytes. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /**
   * Serve the schema's subscriptions over graphql-ws on `/graphql`. Each subscription is
   * authorised by the token in its `extensions.authorization` (how the gateway multiplexes many
   * subscribers over one socket) or in the socket's `connectionParams.authorization`.
   */
  readonly subscriptions?: boolean;
  /**
   * The secret the gateway signs its requests with; `/graphql` (HTTP and WebSocket) refuses
   * anything else. Default `SUBGRAPH_SHARED_SECRET` (see gatewaySignature.ts).
   */
  readonly gatewaySecret?: string;
  /** How far a signature's time may be from this clock. Default 30 000 ms. */
  readonly signatureMaxSkewMs?: number;
  /** The same limits as the gateway's. Default from the environment (`GATEWAY_MAX_*`). */
  readonly limits?: OperationLimits;
  /** Counts and times operations by name (`graphql_operation_*`). Default none. */
  readonly metrics?: Registry;
  readonly logger: Logger;
}

const graphqlPath = '/graphql';

/**
 * An `@apollo/subgraph` schema served on `/graphql` of a service's HTTP server (httpServer.ts):
 * only requests the gateway signed, body included, get through; each runs inside its correlation
 * id, with the verified viewer in its context. Each subgraph verifies tokens itself: a request
 * that bypasses the gateway gets no further than the gateway would let it.
 */
export function subgraphGraphQL(
  options: SubgraphGraphQLOptions,
): (app: Express, server: Server) => Promise<HttpMount> {
  const log = options.logger;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const gatewaySecret =
    options.gatewaySecret ?? subgraphSharedSecretFromEnv({ host: options.host });
  const limits = options.limits ?? operationLimitsFromEnv();
  /** Throws a coded error unless the gateway signed this request (and its body). */
  const verifySigned = (request: IncomingMessage, body: string): void =>
    verifyGatewaySignature(
      gatewaySecret,
      {
        method: request.method ?? 'GET',
        target: request.url ?? '/',
        body,
        authorization: headerValue(request, 'authorization'),
        clientAddress: headerValue(request, gatewayClientAddressHeader),
        timestamp: headerValue(request, gatewayTimestampHeader),
        signature: headerValue(request, gatewaySignatureHeader),
      },
      { maxSkewMs: options.signatureMaxSkewMs },
    );

  async function contextFor(
    request: IncomingMessage,
    correlationId: string,
    authorization = headerValue(request, 'authorization'),
  ): Promise<SubgraphContext> {
    const token = bearerToken(authorization);
    let viewer: VerifiedAccessToken | null = null;
    let authFailure: CodedError | null = null;
    if (token !== undefined) {
      try {
        viewer = await options.verifier.verify(token);
      } catch (error) {
        authFailure =
          error instanceof CodedError
            ? error
            : new CodedError('UNAUTHENTICATED', errorMessage(error));
        log.info(
          { reason: authFailure.details.reason ?? authFailure.message },
          'access token refused',
        );
      }
    }
    return {
      correlationId,
      clientAddress: clientAddressOf(request),
      viewer,
      authFailure,
      log,
      responseExtensions: {},
    };
  }

  /** The body as text (POST only), refused past `maxBodyBytes` and never inflated. */
  const readText = express.text({ type: () => true, limit: maxBodyBytes, inflate: false });
  const bodyText = (request: Request, response: Response, next: NextFunction): void => {
    if (request.method === 'POST') readText(request, response, next);
    else next();
  };

  /**
   * Runs the rest of the request inside its correlation id and its server span, so every log
   * line carries both: the body was read in its stream's callbacks, outside the span.
   */
  const correlated = (request: Request, _response: Response, next: NextFunction): void =>
    resumeRequestTrace(request, () => withCorrelation(correlationIdOf(request), next));

  /** Refuses what the gateway did not sign; parses the signed body for Apollo. */
  const signedJson = (request: Request, response: Response, next: NextFunction): void => {
    const received: unknown = request.body;
    const text = typeof received === 'string' ? received : '';
    try {
      verifySigned(request, text);
    } catch (error) {
      const refusal =
        error instanceof CodedError
          ? error
          : new CodedError('GATEWAY_SIGNATURE_INVALID', errorMessage(error));
      log.warn(
        { code: refusal.code, remoteAddress: request.socket.remoteAddress },
        'unsigned request refused',
      );
      return sendJson(response, 401, {
        errors: [
          { message: refusal.message, extensions: { ...refusal.details, code: refusal.code } },
        ],
      });
    }
    try {
      request.body = text === '' ? undefined : (JSON.parse(text) as unknown);
    } catch {
      return sendJson(response, 400, { error: 'request body is not valid JSON' });
    }
    next();
  };

  /** A body too large is answered as before this server ran on express; other errors go on. */
  const unreadableBody = (
    error: unknown,
    _request: Request,
    response: Response,
    next: NextFunction,
  ): void => {
    const type = (error as { type?: unknown }).type;
    if (type === 'entity.too.large') sendJson(response, 413, { error: 'request body too large' });
    else next(error);
  };

  return async (app, server) => {
    const schema = buildSubgraphSchema([
      { typeDefs: options.typeDefs, resolvers: options.resolvers },
    ]);
    const apollo = new ApolloServer<SubgraphContext>({
      schema,
      formatError: createErrorFormatter(log),
      includeStacktraceInErrorResponses: false,
      // Shutdown is the service runtime's (the HTTP server's close, on its signals): Apollo's
      // own handler would stop the server under us and re-send the signal.
      stopOnTerminationSignals: false,
      logger: log,
      parseOptions: { maxTokens: limits.maxTokens },
      plugins: [
        // Fragments count as no level here: the gateway's entity fetches wrap each selection in
        // `_entities { ... on T }`, one level more than the client's query it already checked.
        operationLimitsPlugin(limits, { flattenFragments: true }),
        ApolloServerPluginLandingPageDisabled(),
        // Usage traces are for Apollo's cloud reporting, which CashTrack does not use.
        ApolloServerPluginInlineTraceDisabled(),
        operationLogPlugin(),
        responseExtensionsPlugin(),
        ...(options.metrics === undefined
          ? []
          : [
              graphqlMetricsPlugin<SubgraphContext>(options.metrics, {
                plannedOperationNames: true,
              }),
            ]),
      ],
    });
    await apollo.start();
    app.all(
      graphqlPath,
      bodyText,
      correlated,
      signedJson,
      expressMiddleware(apollo, {
        context: ({ req }) => contextFor(req, correlationIdOf(req)),
      }),
    );
    app.use(graphqlPath, unreadableBody);
    const subscriptions =
      options.subscriptions === true
        ? serveSubscriptions({
            server,
            path: graphqlPath,
            schema,
            limits,
            verifyUpgrade: (request) => verifySigned(request, ''),
            context: (request, authorization) =>
              contextFor(request, newCorrelationId(), authorization),
            log,
          })
        : undefined;
    return {
      beforeDrain: async () => subscriptions?.dispose(),
      afterDrain: () => apollo.stop(),
    };
  };
}

/** Logs each operation once, with its name, duration and the error codes it answered with. */
function operationLogPlugin(): ApolloServerPlugin<SubgraphContext> {
  return {
    requestDidStart() {
      const startedAt = performance.now();
      return Promise.resolve({
        willSendResponse({ contextValue, operationName, errors }) {
          contextValue.log.info(
            {
              operationName: operationName ?? null,
              durationMs: Math.round(performance.now() - startedAt),
              viewer: contextValue.viewer?.userId ?? null,
              errorCodes: (errors ?? []).map(clientErrorCode),
            },
            'graphql operation',
          );
          return Promise.resolve();
        },
      });
    },
  };
}

/** Copies `context.responseExtensions` into the response's `extensions`. */
function responseExtensionsPlugin(): ApolloServerPlugin<SubgraphContext> {
  return {
    requestDidStart() {
      return Promise.resolve({
        willSendResponse({ contextValue, response }) {
          if (
            response.body.kind === 'single' &&
            Object.keys(contextValue.responseExtensions).length > 0
          ) {
            response.body.singleResult.extensions = {
              ...response.body.singleResult.extensions,
              ...contextValue.responseExtensions,
            };
          }
          return Promise.resolve();
        },
      });
    },
  };
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Only ever called for a request whose signature was verified, which covers this header: the
 * gateway alone decides it (from the socket, or from its own trusted proxy).
 */
export function clientAddressOf(request: IncomingMessage): string {
  const vouched = headerValue(request, gatewayClientAddressHeader)?.trim();
  return vouched !== undefined && vouched !== ''
    ? vouched
    : (request.socket.remoteAddress ?? 'unknown');
}
