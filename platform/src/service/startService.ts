import type { DocumentNode } from 'graphql';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import {
  createEventProducer,
  ensureTopics,
  runEventConsumer,
  type EventConsumer,
  type EventConsumerOptions,
  type EventProducer,
} from '@cashtrack/events/kafka';
import { type EventHandling } from '@cashtrack/events';
import type { AccessTokenAudience } from '../accessTokens.ts';
import {
  createAccessTokenVerifier,
  refuseRevokedTokens,
  type PublicKeyLookup,
} from '../tokens/accessTokenVerifier.ts';
import { cacheVerifiedTokens } from '../tokens/verifiedTokenCache.ts';
import { CodedError } from '../errors.ts';
import { startHttpServer, type HttpRoute } from '../http/httpServer.ts';
import { jwksKeySource } from '../tokens/jwksKeySource.ts';
import { createKafkaClient } from '../kafka/kafkaClient.ts';
import { createLogger, type Logger } from '../logger.ts';
import { connectMongo, type MongoConnection } from '../mongo/connectMongo.ts';
import { RevokedAccessTokens } from '../tokens/revokedAccessTokens.ts';
import { closeOnce, type ShutdownStep } from '../shutdown.ts';
import { subgraphGraphQL, type SubgraphResolvers } from '../graphql/subgraphServer.ts';
import { listenForRevocations } from './revocations.ts';
import { ConsumerMetrics } from '../metrics/consumerMetrics.ts';
import { createMetricsRegistry } from '../metrics/metricsRegistry.ts';
import { metricsRoute } from '../metrics/metricsRoute.ts';

/** What every service reads alike (platform's sharedSettings.ts declares it). */
export interface ServiceConfig {
  readonly port: number;
  readonly host: string;
  readonly mongoUrl: string;
  readonly database: string;
  readonly kafkaBrokers: readonly string[];
  readonly topicPrefix: string;
}

/** How a service verifies access tokens: `iss`, `aud`, and auth's JWKS (sharedSettings.ts). */
export interface AccessTokenSettings extends AccessTokenAudience {
  readonly jwksUrl?: string;
  readonly jwksMinRefetchMs?: number;
}

/**
 * Shutdown happens in stages, whatever order the parts were started in: the HTTP server stops
 * taking requests first; then `work` (consumers, relays, timers) finishes what it has in hand;
 * then `producers` flush; MongoDB closes last.
 */
export type ShutdownStage = 'work' | 'producers';

export interface ServiceResources<Mongo extends boolean, KafkaAtStart extends boolean> {
  readonly log: Logger;
  readonly mongo: Mongo extends true ? MongoConnection : undefined;
  readonly kafka: Kafka;
  /** Connected at start when Kafka is needed to start, else none. */
  readonly producer: KafkaAtStart extends true ? EventProducer : undefined;
  /** Logged-out access tokens: fed from Kafka by the runtime; auth adds its own at once. */
  readonly revoked: RevokedAccessTokens;
  /** The registry `/metrics` serves: a service adds its own metrics to it. */
  readonly metrics: Registry;
  /**
   * Starts an event consumer on the service's Kafka client, in `groupId` prefixed like the topics.
   * It counts for readiness, stops in the `work` stage, and its fatal failure stops the service.
   */
  readonly consume: (options: ServiceConsumerOptions) => Promise<EventConsumer>;
  /** The same for a consumer started elsewhere (the expense projector). */
  readonly watchConsumer: (name: string, consumer: EventConsumer) => EventConsumer;
  /** Stops `stop` in `stage` of the shutdown, after what was added to that stage before it. */
  readonly onShutdown: (stage: ShutdownStage, name: string, stop: () => Promise<void>) => void;
}

/**
 * A consumer's handling and settings; the runtime adds the client and logger, and owns its
 * lifecycle: it stops with the service, and its fatal failure ends the process (`failed`).
 */
export type ServiceConsumerOptions = EventHandling & Omit<EventConsumerOptions, 'kafka' | 'logger'>;

/** A subgraph's schema, served on `/graphql` with every request's access token verified. */
export interface ServiceGraphQL {
  readonly typeDefs: DocumentNode;
  readonly resolvers: SubgraphResolvers;
  /** Serve subscriptions over graphql-ws on `/graphql` too. Default false. */
  readonly subscriptions?: boolean;
  /** The public keys of access tokens. Default auth's JWKS at `accessTokens.jwksUrl`. */
  readonly publicKeyFor?: PublicKeyLookup;
}

/** What a service adds to the runtime's resources: its own parts, and what it serves. */
export interface ServiceParts<Own> {
  readonly graphql?: ServiceGraphQL;
  /** Extra GET routes by exact path, e.g. auth's JWKS. */
  readonly routes?: Readonly<Record<string, HttpRoute>>;
  /** What the running service hands its callers besides its URL (tests read models through it). */
  readonly own: Own;
}

export interface ServiceDefinition<Own, Mongo extends boolean, KafkaAtStart extends boolean> {
  /** Names the logger and the Kafka client, e.g. `expense`. */
  readonly name: string;
  readonly config: ServiceConfig;
  readonly logger?: Logger;
  /** Connect MongoDB (`config.mongoUrl`, `config.database`) first; `/ready` then pings it. */
  readonly mongo: Mongo;
  /**
   * True: event topics are created and the producer connected before anything else, and
   * revocations are read before the first request. False (auth, which takes requests while
   * Kafka is down): nothing waits for Kafka, and revocations are read once it answers.
   */
  readonly kafkaAtStart: KafkaAtStart;
  /** Needed when the service serves GraphQL. */
  readonly accessTokens?: AccessTokenSettings;
  /** Builds the service's own parts on the runtime's resources. */
  readonly parts: (resources: ServiceResources<Mongo, KafkaAtStart>) => Promise<ServiceParts<Own>>;
}

export interface RunningService {
  /** Base URL, e.g. `http://127.0.0.1:4003`; GraphQL (if any) at `/graphql`. */
  readonly url: string;
  /** In shutdown order: HTTP, then work, then producers, MongoDB last. */
  readonly shutdownSteps: readonly ShutdownStep[];
  /** Runs `shutdownSteps` once; later calls wait for that same run. */
  close(): Promise<void>;
  /** Resolves with the error of a consumer that failed for good; a process then exits. */
  readonly failed: Promise<Error>;
}

/**
 * Starts a service on the resources every service shares, in this order: MongoDB, the Kafka
 * client (topics and producer when Kafka is needed to start), the service's own `parts`
 * (consumers among them), the access-token revocations, then the HTTP server with `/health`,
 * `/ready` (MongoDB answers and every consumer runs), the routes and GraphQL. A start that fails
 * half-way closes what it opened and rejects with the error.
 */
export async function startService<Own, Mongo extends boolean, KafkaAtStart extends boolean>(
  definition: ServiceDefinition<Own, Mongo, KafkaAtStart>,
): Promise<RunningService & Own> {
  const { config } = definition;
  const log = definition.logger ?? createLogger(definition.name);
  const http: ShutdownStep[] = [];
  const stages: Record<ShutdownStage, ShutdownStep[]> = { work: [], producers: [] };
  const storage: ShutdownStep[] = [];
  const shutdownSteps = (): ShutdownStep[] => [
    ...http,
    ...stages.work,
    ...stages.producers,
    ...storage,
  ];
  const consumers: EventConsumer[] = [];
  const metrics = createMetricsRegistry();
  const consumerMetrics = new ConsumerMetrics(metrics);
  let fail: (error: Error) => void = () => undefined;
  const failed = new Promise<Error>((resolve) => {
    fail = resolve;
  });

  try {
    const mongo = definition.mongo
      ? await connectMongo({ url: config.mongoUrl, database: config.database })
      : undefined;
    if (mongo !== undefined) storage.push({ name: 'mongo', stop: () => mongo.close() });

    const kafka = createKafkaClient({ clientId: definition.name, brokers: config.kafkaBrokers });
    let producer: EventProducer | undefined;
    if (definition.kafkaAtStart) {
      await ensureTopics(kafka, { prefix: config.topicPrefix });
      const connected = createEventProducer(kafka, { topicPrefix: config.topicPrefix });
      await connected.connect();
      producer = connected;
      stages.producers.push({ name: 'producer', stop: () => connected.disconnect() });
    }

    const watchConsumer = (name: string, consumer: EventConsumer): EventConsumer => {
      consumers.push(consumer);
      consumerMetrics.watch(name, consumer);
      stages.work.push({ name, stop: () => consumer.stop() });
      consumer.done.catch((error: unknown) => {
        log.fatal({ consumer: name, err: error }, 'consumer failed for good');
        fail(error instanceof Error ? error : new Error(String(error)));
      });
      return consumer;
    };
    const revoked = new RevokedAccessTokens();
    const resources = {
      log,
      mongo,
      kafka,
      producer,
      revoked,
      metrics,
      consume: async (options: ServiceConsumerOptions) =>
        watchConsumer(
          options.groupId,
          await runEventConsumer({
            ...options,
            kafka,
            groupId: `${config.topicPrefix}${options.groupId}`,
            logger: log,
          }),
        ),
      watchConsumer,
      onShutdown: (stage: ShutdownStage, name: string, stop: () => Promise<void>) => {
        stages[stage].push({ name, stop });
      },
    } as ServiceResources<Mongo, KafkaAtStart>;
    const parts = await definition.parts(resources);

    const graphql = parts.graphql;
    let graphqlMount;
    if (graphql !== undefined) {
      const tokens = definition.accessTokens;
      if (tokens === undefined) {
        throw new CodedError('INVALID_CONFIG', `${definition.name} serves GraphQL: accessTokens`);
      }
      // Read before the server starts, so a restarted replica refuses logged-out tokens at once.
      const listener = await listenForRevocations({
        kafka,
        topicPrefix: config.topicPrefix,
        revoked,
        inBackground: !definition.kafkaAtStart,
        log,
      });
      stages.work.push({ name: 'revocation listener', stop: () => listener.stop() });
      graphqlMount = subgraphGraphQL({
        typeDefs: graphql.typeDefs,
        resolvers: graphql.resolvers,
        subscriptions: graphql.subscriptions,
        host: config.host,
        // The gateway sends a person's token with every fetch; one signature check per token and
        // minute is enough. Revocations are checked outside the cache, on every request.
        verifier: refuseRevokedTokens(
          cacheVerifiedTokens(
            createAccessTokenVerifier({
              issuer: tokens.issuer,
              audience: tokens.audience,
              publicKeyFor: graphql.publicKeyFor ?? authJwks(tokens),
            }),
          ),
          revoked,
        ),
        logger: log,
        metrics,
      });
    }
    const server = await startHttpServer({
      port: config.port,
      host: config.host,
      isReady: async () =>
        consumers.every((consumer) => consumer.stats().state === 'running') &&
        (mongo === undefined || (await mongo.ping())),
      routes: { ...parts.routes, '/metrics': metricsRoute(metrics) },
      metrics,
      mount: graphqlMount,
      logger: log,
    });
    http.push({ name: 'http', stop: () => server.close() });
    const steps = shutdownSteps();
    return { ...parts.own, url: server.url, shutdownSteps: steps, close: closeOnce(steps), failed };
  } catch (error) {
    for (const step of shutdownSteps()) await step.stop().catch(() => undefined);
    throw error;
  }
}

function authJwks(tokens: AccessTokenSettings): PublicKeyLookup {
  if (tokens.jwksUrl === undefined) {
    throw new CodedError('INVALID_CONFIG', 'AUTH_JWKS_URL is needed to verify access tokens');
  }
  return jwksKeySource({ jwksUrl: tokens.jwksUrl, minRefetchIntervalMs: tokens.jwksMinRefetchMs });
}
