import {
  createEventProducer,
  ensureTopics,
  runEventConsumer,
  startRevocationListener,
  topicNames,
  type EventConsumer,
} from '@cashtrack/events';
import {
  closeOnce,
  connectMongo,
  createAccessTokenVerifier,
  createKafkaClient,
  createLogger,
  jwksKeySource,
  loadSchemaFile,
  refuseRevokedTokens,
  RevokedAccessTokens,
  startSubgraphServer,
  type Logger,
  type ShutdownStep,
} from '@cashtrack/platform';
import type { UserConfig } from './config.ts';
import { projectUserEvent } from './projections/userProfilesProjection.ts';
import { userProfilesCollection } from './readModels/userProfilesReadModel.ts';
import { userResolvers } from './resolvers/userResolvers.ts';

export interface RunningUserSubgraph {
  /** e.g. `http://127.0.0.1:4002`; GraphQL at `/graphql`. */
  readonly url: string;
  readonly consumer: EventConsumer;
  /** In shutdown order: HTTP first, then the consumer and producer, the database last. */
  readonly shutdownSteps: readonly ShutdownStep[];
  close(): Promise<void>;
}

export interface UserSubgraphOverrides {
  readonly now?: () => Date;
  readonly logger?: Logger;
  /** Exit the process when the consumer fails for good (default true; tests pass false). */
  readonly exitOnFatal?: boolean;
}

/**
 * Starts the user subgraph: the profiles projection consuming `cashtrack.users`, and `me`,
 * `updateProfile` and `User` references over HTTP, every request checked against auth's JWKS.
 */
export async function startUserSubgraph(
  config: UserConfig,
  overrides: UserSubgraphOverrides = {},
): Promise<RunningUserSubgraph> {
  const log = overrides.logger ?? createLogger('user');
  const now = overrides.now ?? (() => new Date());
  const mongo = await connectMongo({ url: config.mongoUrl, database: config.database });
  const profiles = userProfilesCollection(mongo.db);

  const kafka = createKafkaClient({ clientId: 'user', brokers: config.kafkaBrokers });
  await ensureTopics(kafka, { prefix: config.topicPrefix });
  const producer = createEventProducer(kafka, { topicPrefix: config.topicPrefix });
  await producer.connect();
  const consumer = await runEventConsumer({
    kafka,
    groupId: `${config.topicPrefix}${config.consumerGroup}`,
    topics: [topicNames(config.topicPrefix).users],
    handle: async (event) => {
      const result = await projectUserEvent(profiles, event);
      if (result !== undefined) {
        log.debug({ type: event.type, userId: event.userId, outcome: result.outcome }, 'projected');
      }
    },
    // Shutdown runs our steps in order (shutdown.ts), the consumer among them.
    stopOnSignals: [],
    exitOnFatal: overrides.exitOnFatal ?? true,
    logger: log,
  });

  // Read before the server starts, so a restarted replica refuses logged-out tokens at once.
  const revoked = new RevokedAccessTokens();
  const revocations = await startRevocationListener({
    kafka,
    topicPrefix: config.topicPrefix,
    revoked,
    log,
  });

  const server = await startSubgraphServer({
    name: 'user',
    typeDefs: loadSchemaFile(new URL('./schema.graphql', import.meta.url)),
    resolvers: userResolvers({
      profiles,
      producer,
      profileWaitMs: config.profileWaitMs,
      updateWaitMs: config.updateWaitMs,
      now,
      log,
    }),
    port: config.port,
    host: config.host,
    verifier: refuseRevokedTokens(
      createAccessTokenVerifier({
        issuer: config.issuer,
        audience: config.audience,
        publicKeyFor: jwksKeySource({
          jwksUrl: config.jwksUrl,
          minRefetchIntervalMs: config.jwksMinRefetchMs,
        }),
      }),
      revoked,
    ),
    isReady: async () => consumer.stats().state === 'running' && (await mongo.ping()),
    logger: log,
  });

  const shutdownSteps: ShutdownStep[] = [
    { name: 'http', stop: () => server.close() },
    { name: 'consumer', stop: () => consumer.stop() },
    { name: 'revocation listener', stop: () => revocations.stop() },
    { name: 'producer', stop: () => producer.disconnect() },
    { name: 'mongo', stop: () => mongo.close() },
  ];
  return {
    url: server.url,
    consumer,
    shutdownSteps,
    close: closeOnce(shutdownSteps),
  };
}
