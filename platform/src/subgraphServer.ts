import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { DocumentNode } from 'graphql';
import type { VerifiedAccessToken } from './accessTokens.ts';
import { bearerToken, type AccessTokenVerifier } from './accessTokenVerifier.ts';
import { newCorrelationId, withCorrelation } from './correlation.ts';
import { CodedError, errorMessage } from './errors.ts';
import {
  gatewayClientAddressHeader,
  gatewaySignatureHeader,
  gatewayTimestampHeader,
  subgraphSharedSecretFromEnv,
  verifyGatewaySignature,
} from './gatewaySignature.ts';
import { createErrorFormatter, unauthenticatedError } from './graphqlErrors.ts';
import { createLogger, type Logger } from './logger.ts';
import {
  operationLimitsFromEnv,
  operationLimitsPlugin,
  type OperationLimits,
} from './operationLimits.ts';
import { serveSubscriptions } from './subgraphSubscriptions.ts';

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

/** Serves one extra GET path, such as auth's JWKS. */
export type HttpRoute = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

export interface SubgraphServerOptions {
  /** Names the logger component, e.g. `auth`. */
  readonly name: string;
  readonly typeDefs: DocumentNode;
  readonly resolvers: SubgraphResolvers;
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** Default `127.0.0.1`; containers pass `0.0.0.0`. */
  readonly host?: string;
  /** Checks `Authorization: Bearer` tokens; the result is `context.viewer`. */
  readonly verifier: AccessTokenVerifier;
  /** `GET /ready` answers 200 only while this resolves true (database reachable, consumer up...). */
  readonly isReady: () => Promise<boolean>;
  /** Extra GET routes by exact path. */
  readonly routes?: Readonly<Record<string, HttpRoute>>;
  /** Largest request body accepted, in bytes. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** How long `close()` lets requests in flight finish before cutting them off. Default 10 000. */
  readonly drainTimeoutMs?: number;
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
  readonly logger?: Logger;
}

export interface RunningSubgraph {
  /** Base URL, e.g. `http://127.0.0.1:4001`; GraphQL is at `${url}/graphql`. */
  readonly url: string;
  readonly port: number;
  /** Stops taking requests, lets those in flight finish, then stops Apollo. Idempotent. */
  close(): Promise<void>;
}

const correlationHeader = 'x-correlation-id';
const acceptableCorrelationId = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Starts an `@apollo/subgraph` service on node:http: `POST|GET /graphql`, `GET /health` (the
 * process is alive), `GET /ready` (it can take work), plus `routes`. Every request runs inside a
 * correlation id taken from `x-correlation-id` (or made fresh, and echoed back), so every log line
 * it causes carries it. Each subgraph verifies tokens itself: a request that bypasses the gateway
 * gets no further than the gateway would let it.
 */
export async function startSubgraphServer(
  options: SubgraphServerOptions,
): Promise<RunningSubgraph> {
  const log = options.logger ?? createLogger(options.name);
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const listenHost = options.host ?? '127.0.0.1';
  const gatewaySecret = options.gatewaySecret ?? subgraphSharedSecretFromEnv({ host: listenHost });
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
  const schema = buildSubgraphSchema([
    { typeDefs: options.typeDefs, resolvers: options.resolvers },
  ]);
  const apollo = new ApolloServer<SubgraphContext>({
    schema,
    formatError: createErrorFormatter(log),
    includeStacktraceInErrorResponses: false,
    // Shutdown is ours (close() here, signals in shutdown.ts): Apollo's own handler would stop
    // the server under us and re-send the signal.
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
    ],
  });
  await apollo.start();

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

  async function handleGraphQL(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    correlationId: string,
  ): Promise<void> {
    let body: unknown;
    const text = request.method === 'POST' ? await readBody(request, maxBodyBytes) : '';
    if (text === undefined) return sendJson(response, 413, { error: 'request body too large' });
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
    if (request.method === 'POST') {
      try {
        body = text === '' ? undefined : (JSON.parse(text) as unknown);
      } catch {
        return sendJson(response, 400, { error: 'request body is not valid JSON' });
      }
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: url.search, body },
      context: () => contextFor(request, correlationId),
    });
    for (const [name, value] of result.headers) response.setHeader(name, value);
    response.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      response.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/health') return sendJson(response, 200, { status: 'ok' });
    if (url.pathname === '/ready') {
      const ready = await options.isReady().catch(() => false);
      return sendJson(response, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
    }
    const route = options.routes?.[url.pathname];
    if (route !== undefined && request.method === 'GET') return route(request, response);
    const offered = headerValue(request, correlationHeader);
    const correlationId =
      offered !== undefined && acceptableCorrelationId.test(offered) ? offered : newCorrelationId();
    response.setHeader(correlationHeader, correlationId);
    if (url.pathname === '/graphql') {
      return withCorrelation(correlationId, () =>
        handleGraphQL(request, response, url, correlationId),
      );
    }
    sendJson(response, 404, { error: 'not found' });
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log.error({ err: error, url: request.url }, 'request failed');
      if (!response.headersSent) sendJson(response, 500, { error: 'internal error' });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, listenHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const subscriptions =
    options.subscriptions === true
      ? serveSubscriptions({
          server,
          path: '/graphql',
          schema,
          limits,
          verifyUpgrade: (request) => verifySigned(request, ''),
          context: (request, authorization) =>
            contextFor(request, newCorrelationId(), authorization),
          log,
        })
      : undefined;
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
  log.info({ url: `${url}/graphql` }, 'subgraph listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    close() {
      closing ??= (async () => {
        await subscriptions?.dispose();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const cutOff = setTimeout(
          () => server.closeAllConnections(),
          options.drainTimeoutMs ?? 10_000,
        );
        await closed;
        clearTimeout(cutOff);
        await apollo.stop();
        log.info('subgraph stopped');
      })();
      return closing;
    },
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
              errorCodes: (errors ?? []).map(
                (error) => error.extensions.code ?? 'INTERNAL_SERVER_ERROR',
              ),
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

/** The body as text, or undefined once it passes `limit` bytes. */
async function readBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.end(JSON.stringify(body));
}
