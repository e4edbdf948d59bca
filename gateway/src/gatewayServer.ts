import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { Supergraph } from '@apollo/federation-internals';
import express, { type NextFunction, type Request, type Response } from 'express';
import { startRevocationListener } from '@cashtrack/events/kafka';
import {
  bearerToken,
  cacheVerifiedTokens,
  createAccessTokenVerifier,
  jwksKeySource,
  refuseRevokedTokens,
  RevokedAccessTokens,
} from '@cashtrack/platform/tokens';
import { createKafkaClient } from '@cashtrack/platform/kafka';
import { createErrorFormatter, operationLimitsPlugin } from '@cashtrack/platform/graphql';
import {
  createLogger,
  currentCorrelationId,
  errorMessage,
  newCorrelationId,
  traceCarrierIn,
  withCorrelation,
  type VerifiedAccessToken,
} from '@cashtrack/platform';
import {
  createMetricsRegistry,
  gaugeFrom,
  graphqlMetricsPlugin,
  httpMetrics,
  metricsRoute,
  rateLimitCounter,
  subgraphFetchMetrics,
} from '@cashtrack/platform/metrics';
import { resumeRequestTrace, traceRequest, withSamplingOfOurs } from '@cashtrack/platform/tracing';
import type { GatewayConfig } from './config.ts';
import type { GatewayContext } from './context.ts';
import { apolloHandler } from './http/apolloHandler.ts';
import { appRoute } from './http/appRoute.ts';
import { subgraphHealth } from './http/health.ts';
import { playgroundAssets, playgroundPage } from './http/playground.ts';
import { RateLimiter } from './limits/rateLimiter.ts';
import { rateLimit } from './plugins/rateLimit.ts';
import { requestLogging } from './plugins/requestLogging.ts';
import { requireAuthentication } from './plugins/requireAuthentication.ts';
import { revokeOnLogOut } from './plugins/revokeOnLogOut.ts';
import { sessionCookie } from './plugins/sessionCookie.ts';
import { balancedFetcher } from './replicas/balancedFetcher.ts';
import { keepAliveFetch } from './replicas/keepAliveFetch.ts';
import { signedFetcher } from './replicas/signedFetcher.ts';
import { tracedFetcher } from './replicas/tracedFetcher.ts';
import { ReplicaPool } from './replicas/replicaPool.ts';
import { SharedQueryFetches } from './replicas/sharedQueryFetches.ts';
import { copySubgraphAnswer, SubgraphDataSource } from './replicas/subgraphDataSource.ts';
import { releaseSharedFetches } from './plugins/releaseSharedFetches.ts';
import { reuseExecutedOperations } from './reusedOperations.ts';
import { resolvedAloneBy } from './subscriptions/resolvedAlone.ts';
import { startSubscriptionServer } from './subscriptions/subscriptionServer.ts';
import { UpstreamSubscriptions } from './subscriptions/upstreamSubscriptions.ts';

const log = createLogger('gateway');
const graphqlPath = '/graphql';

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  readonly httpServer: Server;
  /** Subscription sockets open now. */
  openSockets(): number;
  /** Client addresses and users the socket limits count now (zero once every socket closed). */
  countedSocketKeys(): { addresses: number; users: number };
  /** Subscriptions to subgraphs open now (one per client subscription still running). */
  upstreamSubscriptions(): number;
  stop(): Promise<void>;
}

/**
 * The gateway: Apollo Gateway over the committed supergraph, on Apollo Server behind express,
 * with JWT verification, abuse limits, replica balancing, health and the playground.
 */
export async function startGateway(
  config: GatewayConfig,
  supergraphSdl: string,
): Promise<RunningGateway> {
  reuseExecutedOperations();
  const supergraph = Supergraph.build(supergraphSdl);
  const pools = new Map(
    supergraph
      .subgraphsMetadata()
      .map(({ name, url }) => [name, new ReplicaPool(config.subgraphUrls(name) ?? [url])]),
  );
  // @apollo/gateway sends usage metrics to Apollo and probes cloud metadata endpoints unless told
  // not to. CashTrack reports nothing anywhere without an explicit opt-in (set it to 'false').
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
  const sharedFetches = new SharedQueryFetches(copySubgraphAnswer);
  const metrics = createMetricsRegistry();
  const timedFetch = subgraphFetchMetrics(metrics);
  const rateLimited = rateLimitCounter(metrics, ['root_field']);
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) =>
      new SubgraphDataSource({
        url: url ?? '',
        fetcher: timedFetch(
          name,
          balancedFetcher(
            name,
            pools.get(name) ?? new ReplicaPool([url ?? '']),
            signedFetcher(config.subgraphSecret, tracedFetcher(keepAliveFetch)),
          ),
        ),
        issuesTokens: name === 'auth',
        sharedFetches,
      }),
    logger: log,
  });
  // Revocations are read before the gateway listens, so a restarted gateway refuses a token
  // logged out before it went down from its first request on. The check sits outside the cache
  // of verified tokens, so a remembered verification cannot outlive a log-out.
  const revoked = new RevokedAccessTokens();
  const revocations = await startRevocationListener({
    kafka: createKafkaClient({ clientId: 'gateway', brokers: config.kafkaBrokers }),
    topicPrefix: config.topicPrefix,
    revoked,
    log,
  });
  const verifier = refuseRevokedTokens(
    cacheVerifiedTokens(
      createAccessTokenVerifier({
        ...config.tokenAudience,
        publicKeyFor: jwksKeySource({
          jwksUrl: config.jwksUrl,
          minRefetchIntervalMs: config.jwksMinRefetchMs,
        }),
      }),
    ),
    revoked,
  );

  const app = express();
  app.disable('x-powered-by');
  // express hashes every answer res.send writes for an ETag; a GraphQL POST is never revalidated
  // with one, and the hash was about 1% of a request's CPU (profiled in bench:gateway's mix).
  app.set('etag', false);
  // One hop: the address our own proxy appended, never one the client wrote in front of it.
  app.set('trust proxy', config.trustProxy ? 1 : false);
  const httpServer = createServer(app);
  app.use(httpMetrics(metrics, ['/health', '/ready', '/metrics', graphqlPath]));

  const server = new ApolloServer<GatewayContext>({
    gateway,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: !config.production,
    hideSchemaDetailsFromClientErrors: config.production,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    // index.ts stops the gateway on signals; Apollo's own handler would re-send the signal.
    stopOnTerminationSignals: false,
    parseOptions: { maxTokens: config.limits.maxTokens },
    formatError: createErrorFormatter(log),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      graphqlMetricsPlugin<GatewayContext>(metrics),
      ApolloServerPluginLandingPageDisabled(),
      operationLimitsPlugin<GatewayContext>(config.limits),
      requireAuthentication({ introspection: config.introspection }),
      rateLimit(config.rateLimits, new RateLimiter(), () => rateLimited('root_field')),
      requestLogging(log),
      revokeOnLogOut(revoked),
      releaseSharedFetches(sharedFetches),
      sessionCookie(),
    ],
  });
  await server.start();

  app.get('/health', (_request, response) => {
    response.json({ status: 'ok' });
  });
  // Off the public port for anyone but this host or a scraper with METRICS_TOKEN (metricsAccess.ts).
  app.get('/metrics', metricsRoute(metrics));
  app.get('/ready', async (_request, response) => {
    const subgraphs = await subgraphHealth(pools);
    const ready = subgraphs.every((subgraph) => subgraph.reachableReplicas > 0);
    response.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', subgraphs });
  });
  if (config.playground) {
    app.use(playgroundAssets());
    app.get(graphqlPath, (request, response, next) => {
      const wantsPage = request.accepts(['application/json', 'text/html']) === 'text/html';
      if (wantsPage && request.query.query === undefined)
        response.type('html').send(playgroundPage(graphqlPath));
      else next();
    });
  }
  const readJsonBody = express.json({ limit: config.maxBodyBytes });
  const answerGraphQL = apolloHandler(server, async (request) => ({
    correlationId: currentCorrelationId() ?? newCorrelationId(),
    clientAddress: request.ip ?? request.socket.remoteAddress ?? 'unknown',
    issuedInOperation: {},
    internal: false,
    ...(await authenticate(request.headers.authorization)),
  }));
  // One router layer whose steps call each other, not four the router matches and enters in
  // turn: express's router was 2.5% of our gateway's CPU in bench:gateway (profiled).
  app.use(graphqlPath, (request: Request, response: Response, next: NextFunction) =>
    correlate(request, response, () =>
      readJsonBody(request, response, (error?: unknown) => {
        if (error !== undefined) return next(error);
        resumeRequestTrace(request, () => void answerGraphQL(request, response).catch(next));
      }),
    ),
  );
  app.use(appRoute());
  app.use(refuseUnreadableBodies);

  async function authenticate(
    authorization: string | undefined,
  ): Promise<Pick<GatewayContext, 'authorization' | 'viewer'>> {
    const token = bearerToken(authorization);
    if (token === undefined) return { authorization: undefined, viewer: undefined };
    let viewer: VerifiedAccessToken;
    try {
      viewer = await verifier.verify(token);
    } catch (error) {
      log.info({ reason: errorMessage(error) }, 'access token refused');
      return { authorization: undefined, viewer: undefined };
    }
    return { authorization, viewer };
  }

  const apiSchema = supergraph.apiSchema().toGraphQLJSSchema();
  const upstream = new UpstreamSubscriptions(pools, config.subgraphSecret);
  const subscriptions =
    apiSchema.getSubscriptionType() == null
      ? undefined
      : startSubscriptionServer({
          httpServer,
          path: graphqlPath,
          apiSchema,
          verifier,
          apollo: server,
          upstream,
          resolvedAlone: resolvedAloneBy(supergraph),
          limits: config.limits,
          socketLimits: config.socketLimits,
          trustProxy: config.trustProxy,
          revoked,
          log,
        });

  gaugeFrom(
    metrics,
    'gateway_subscription_sockets_open',
    'graphql-ws sockets open on this gateway.',
    () => subscriptions?.sockets() ?? 0,
  );
  gaugeFrom(
    metrics,
    'gateway_upstream_subscriptions_open',
    'Subscriptions this gateway holds open on subgraphs (one per client subscription).',
    () => upstream.active(),
  );

  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://${config.host}:${port}${graphqlPath}`;
  log.info(
    { url, subgraphs: [...pools].map(([name, pool]) => ({ name, urls: pool.urls })) },
    'gateway listening',
  );
  return {
    url,
    port,
    httpServer,
    openSockets: () => subscriptions?.sockets() ?? 0,
    countedSocketKeys: () => subscriptions?.countedKeys() ?? { addresses: 0, users: 0 },
    upstreamSubscriptions: () => upstream.active(),
    async stop() {
      await subscriptions?.dispose();
      await server.stop();
      await revocations.stop();
    },
  };
}

/**
 * Takes the caller's correlation id (or makes one), echoes it, and puts it on every log line;
 * runs the request in a server span of the caller's trace (its `traceparent`) or a new one,
 * sampled as our sampler draws, never as the caller says (untrustedCallers.ts).
 */
function correlate(request: Request, response: Response, next: NextFunction): void {
  const offered = request.header('x-correlation-id');
  const correlationId =
    offered !== undefined && /^[\w.:-]{1,100}$/.test(offered) ? offered : newCorrelationId();
  response.setHeader('x-correlation-id', correlationId);
  const offeredTrace = withSamplingOfOurs(traceCarrierIn(request.headers));
  if (offeredTrace !== undefined) request.headers.traceparent = offeredTrace.traceparent;
  traceRequest(request, response, () => withCorrelation(correlationId, next));
}

/** A body over the size limit or not JSON gets a GraphQL-shaped error with a code, not HTML. */
function refuseUnreadableBodies(
  error: unknown,
  _request: Request,
  response: Response,
  next: NextFunction,
): void {
  const type = (error as { type?: unknown }).type;
  if (type === 'entity.too.large') {
    response.status(413).json({
      errors: [
        { message: 'The request body is too large', extensions: { code: 'PAYLOAD_TOO_LARGE' } },
      ],
    });
  } else if (type === 'entity.parse.failed') {
    response.status(400).json({
      errors: [
        { message: 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } },
      ],
    });
  } else {
    next(error);
  }
}
