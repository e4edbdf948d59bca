import { setTimeout as delay } from 'node:timers/promises';
import {
  startOutboxRelay,
  startRevocationListener,
  type RevocationListener,
} from '@cashtrack/events';
import {
  closeOnce,
  accessTokenLifetimeSeconds,
  connectMongo,
  createAccessTokenVerifier,
  createKafkaClient,
  createLogger,
  errorMessage,
  loadSchemaFile,
  refuseRevokedTokens,
  RevokedAccessTokens,
  startSubgraphServer,
  type Logger,
  type ShutdownStep,
} from '@cashtrack/platform';
import { createAuthCommands } from './commands/authCommands.ts';
import { createLoginGuard } from './commands/loginGuard.ts';
import type { AuthConfig } from './config.ts';
import { createAccessTokenIssuer } from './crypto/accessTokenIssuer.ts';
import { createPasswordHasher } from './crypto/passwordHasher.ts';
import { reconnectingPublisher } from './reconnectingPublisher.ts';
import { mutationResolvers } from './resolvers/mutations.ts';
import { jwksRoute } from './routes/jwksRoute.ts';
import { createAccessTokenRevocations } from './stores/accessTokenRevocations.ts';
import { createCredentialStore } from './stores/credentialStore.ts';
import { createLoginThrottleStore } from './stores/loginThrottleStore.ts';
import { createRefreshFamilyStore } from './stores/refreshFamilyStore.ts';
import { loadDeviceTokenKey, loadRefreshTokenKey } from './stores/secretKeys.ts';
import { createSignUpLedger } from './stores/signUpLedger.ts';
import { createSigningKeyStore, type SigningKeyStore } from './stores/signingKeyStore.ts';

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
  const revoked = new RevokedAccessTokens();
  const revocations = createAccessTokenRevocations(mongo.db, {
    revoked,
    outboxWritten: () => relay.wake(),
    log,
  });
  // From the database every auth replica shares, so no Kafka is needed for it at start-up.
  await revocations.load(now());
  const relay = startOutboxRelay({
    collections: [credentials.outboxCollection, revocations.outboxCollection],
    producer: publisher,
    logger: log,
  });
  const revocationsFromOtherReplicas = listenInBackground(kafka, config.topicPrefix, revoked, log);

  const auth = createAuthCommands({
    credentials,
    families: createRefreshFamilyStore(mongo.db),
    loginGuard: createLoginGuard({
      store: createLoginThrottleStore(mongo.db),
      signUps: createSignUpLedger(mongo.db),
      policy: config.loginThrottle,
      deviceKey: await loadDeviceTokenKey(mongo.db, now()),
      now,
      log,
    }),
    hasher: await createPasswordHasher(config.passwordHashCost),
    issueAccessToken: createAccessTokenIssuer(signingKeys, config),
    revocations,
    refreshTokenKey: await loadRefreshTokenKey(mongo.db, now()),
    refreshPolicy: config.refresh,
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
    verifier: refuseRevokedTokens(
      createAccessTokenVerifier({
        issuer: config.issuer,
        audience: config.audience,
        publicKeyFor: (kid) => signingKeys.publicKeyFor(kid),
      }),
      revoked,
    ),
    // Kafka is not needed to take requests: sign-ups wait in the outbox until it is back.
    isReady: () => mongo.ping(),
    routes: { '/.well-known/jwks.json': jwksRoute(signingKeys) },
    logger: log,
  });

  const shutdownSteps: ShutdownStep[] = [
    { name: 'http', stop: () => server.close() },
    { name: 'key refresh', stop: () => Promise.resolve(clearInterval(keyRefresh)) },
    { name: 'outbox relay', stop: () => relay.stop() },
    { name: 'revocation listener', stop: () => revocationsFromOtherReplicas.stop() },
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

/**
 * Revocations other auth replicas record, from Kafka. Auth takes requests while Kafka is down
 * (its own revocations are in its database and its memory), so this starts in the background
 * and tries again every few seconds until it can.
 */
function listenInBackground(
  kafka: ReturnType<typeof createKafkaClient>,
  topicPrefix: string,
  revoked: RevokedAccessTokens,
  log: Logger,
): { stop(): Promise<void> } {
  let stopped = false;
  let listener: RevocationListener | undefined;
  const started = (async () => {
    while (!stopped) {
      try {
        listener = await startRevocationListener({ kafka, topicPrefix, revoked, log });
        return;
      } catch (error) {
        log.warn({ err: errorMessage(error) }, 'revocation listener not started; retrying');
        await delay(5_000);
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      await started;
      await listener?.stop();
    },
  };
}
