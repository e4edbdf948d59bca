import { startOutboxRelay } from '@cashtrack/events/mongo';
import { accessTokenLifetimeSeconds, type Logger } from '@cashtrack/platform';
import { loadSchemaFile } from '@cashtrack/platform/graphql';
import { logInFailureCounter, rateLimitCounter } from '@cashtrack/platform/metrics';
import { startService, type RunningService } from '@cashtrack/platform/service';
import { startAuthHousekeeping } from './authHousekeeping.ts';
import { createAuthCommands } from './commands/authCommands.ts';
import { authRateLimits, createLoginGuard } from './commands/loginGuard.ts';
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

export interface RunningAuthSubgraph extends RunningService {
  /** JWKS at `${url}/.well-known/jwks.json`. */
  readonly signingKeys: SigningKeyStore;
}

export interface AuthSubgraphOverrides {
  /** The clock; tests move it. Default the system clock. */
  readonly now?: () => Date;
  readonly logger?: Logger;
}

/**
 * The auth subgraph: credentials, sessions and signing keys in its database, sign-ups and
 * log-outs relayed to Kafka through the outbox, GraphQL and JWKS over HTTP. It takes requests
 * while Kafka is down: what it publishes waits in the outbox until Kafka is back.
 */
export function startAuthSubgraph(
  config: AuthConfig,
  overrides: AuthSubgraphOverrides = {},
): Promise<RunningAuthSubgraph> {
  const now = overrides.now ?? (() => new Date());
  return startService({
    name: 'auth',
    config,
    logger: overrides.logger,
    mongo: true,
    kafkaAtStart: false,
    accessTokens: config,
    parts: async ({ mongo, kafka, revoked, log, metrics, onShutdown }) => {
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
      onShutdown('work', 'key refresh', async () => clearInterval(keyRefresh));

      const credentials = createCredentialStore(mongo.db);
      const publisher = reconnectingPublisher(kafka, { topicPrefix: config.topicPrefix, log });
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
      onShutdown('work', 'outbox relay', () => relay.stop());
      onShutdown('producers', 'kafka', () => publisher.disconnect());

      const families = createRefreshFamilyStore(mongo.db);
      const counters = createLoginThrottleStore(mongo.db);
      const signUps = createSignUpLedger(mongo.db);
      const housekeeping = startAuthHousekeeping({
        counters,
        signUps,
        families,
        policy: config.loginThrottle,
        intervalMs: config.housekeepingIntervalMs,
        now,
        log,
      });
      onShutdown('work', 'housekeeping', () => housekeeping.stop());

      const auth = createAuthCommands({
        credentials,
        families,
        loginGuard: createLoginGuard({
          store: counters,
          signUps,
          policy: config.loginThrottle,
          deviceKey: await loadDeviceTokenKey(mongo.db, now()),
          now,
          log,
          metrics: {
            logInFailed: logInFailureCounter(metrics),
            refused: rateLimitCounter(metrics, authRateLimits),
          },
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
      return {
        graphql: {
          typeDefs: loadSchemaFile(new URL('./schema.graphql', import.meta.url)),
          resolvers: mutationResolvers(auth),
          // Auth verifies with its own keys, never through its own JWKS.
          publicKeyFor: (kid: string) => signingKeys.publicKeyFor(kid),
        },
        routes: { '/.well-known/jwks.json': jwksRoute(signingKeys) },
        own: { signingKeys },
      };
    },
  });
}
