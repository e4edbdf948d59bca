import { startOutboxRelay } from '@cashtrack/events';
import {
  closeOnce,
  accessTokenLifetimeSeconds,
  connectMongo,
  createAccessTokenVerifier,
  createKafkaClient,
  createLogger,
  loadSchemaFile,
  startSubgraphServer,
  type Logger,
  type ShutdownStep,
} from '@cashtrack/platform';
import { createAccessTokenIssuer } from './accessTokenIssuer.ts';
import { createAuthService } from './authService.ts';
import type { AuthConfig } from './config.ts';
import { createCredentialStore } from './credentialStore.ts';
import { jwksRoute } from './jwksRoute.ts';
import { createLoginGuard } from './loginGuard.ts';
import { createLoginThrottleStore } from './loginThrottleStore.ts';
import { createPasswordHasher } from './passwordHasher.ts';
import { reconnectingPublisher } from './reconnectingPublisher.ts';
import { createRefreshFamilyStore } from './refreshFamilyStore.ts';
import { loadDeviceTokenKey, loadRefreshTokenKey } from './refreshTokenKey.ts';
import { mutationResolvers } from './resolvers/mutations.ts';
import { createSigningKeyStore, type SigningKeyStore } from './signingKeys.ts';

export interface RunningAuthSubgraph {
  /** e.g. `http://127.0.0.1:4001`; GraphQL at `/graphql`, JWKS at `/.well-known/jwks.json`. */
  readonly url: string;
  readonly signingKeys: SigningKeyStore;
  /** In shutdown order: HTTP first, then the relay and Kafka, the database last. */
  readonly shutdownSteps: readonly ShutdownStep[];
  close(): Promise<void>;
}

export interface AuthSubgraphOverrides {
  /** The clock; tests move it. Default the system clock. */
  readonly now?: () => Date;
  readonly logger?: Logger;
}

/**
 * Starts the auth subgraph: credentials, sessions and signing keys in its database, sign-ups
 * relayed to Kafka through the outbox, GraphQL and JWKS over HTTP.
 */
export async function startAuthSubgraph(
  config: AuthConfig,
  overrides: AuthSubgraphOverrides = {},
): Promise<RunningAuthSubgraph> {
  const log = overrides.logger ?? createLogger('auth');
  const now = overrides.now ?? (() => new Date());
  const mongo = await connectMongo({ url: config.mongoUrl, database: config.database });

  const signingKeys = createSigningKeyStore(mongo.db, {
    rotateAfterMs: config.keyRotationMs,
    // Clock leeway of verifiers (5 s) plus a minute's margin for JWKS caches.
    publishRetiredForMs: (accessTokenLifetimeSeconds + 65) * 1000,
    now,
  });
  await signingKeys.refresh();
  const keyRefresh = setInterval(() => {
    signingKeys
      .refresh()
      .catch((error: unknown) => log.error({ err: error }, 'key refresh failed'));
  }, config.keyRefreshIntervalMs);
  keyRefresh.unref();

  const credentials = createCredentialStore(mongo.db);
  const kafka = createKafkaClient({ clientId: 'auth', brokers: config.kafkaBrokers });
  const publisher = reconnectingPublisher(kafka, { topicPrefix: config.topicPrefix, log });
  const relay = startOutboxRelay({
    collections: [credentials.outboxCollection],
    producer: publisher,
    logger: log,
  });

  const auth = createAuthService({
    credentials,
    families: createRefreshFamilyStore(mongo.db),
    loginGuard: createLoginGuard({
      store: createLoginThrottleStore(mongo.db),
      policy: config.loginThrottle,
      deviceKey: await loadDeviceTokenKey(mongo.db, now()),
      now,
      log,
    }),
    hasher: await createPasswordHasher(config.passwordHashCost),
    issueAccessToken: createAccessTokenIssuer(signingKeys, config),
    refreshTokenKey: await loadRefreshTokenKey(mongo.db, now()),
    refreshPolicy: config.refresh,
    emailThrottle: config.emailThrottle,
    addressThrottle: config.addressThrottle,
    outboxWritten: () => relay.wake(),
    now,
    log,
  });

  const server = await startSubgraphServer({
    name: 'auth',
    typeDefs: loadSchemaFile(new URL('./schema.graphql', import.meta.url)),
    resolvers: mutationResolvers(auth),
    port: config.port,
    host: config.host,
    verifier: createAccessTokenVerifier({
      issuer: config.issuer,
      audience: config.audience,
      publicKeyFor: (kid) => signingKeys.publicKeyFor(kid),
    }),
    // Kafka is not needed to take requests: sign-ups wait in the outbox until it is back.
    isReady: () => mongo.ping(),
    routes: { '/.well-known/jwks.json': jwksRoute(signingKeys) },
    logger: log,
  });

  const shutdownSteps: ShutdownStep[] = [
    { name: 'http', stop: () => server.close() },
    { name: 'key refresh', stop: () => Promise.resolve(clearInterval(keyRefresh)) },
    { name: 'outbox relay', stop: () => relay.stop() },
    { name: 'kafka', stop: () => publisher.disconnect() },
    { name: 'mongo', stop: () => mongo.close() },
  ];
  return {
    url: server.url,
    signingKeys,
    shutdownSteps,
    close: closeOnce(shutdownSteps),
  };
}
