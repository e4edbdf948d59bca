import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  accessTokenAudienceFromEnv,
  envInt,
  envList,
  envString,
  jwksSettings,
  readSetting,
  subgraphSharedSecretFromEnv,
  type AccessTokenAudience,
} from '@cashtrack/platform';
import { operationLimitsFromEnv, type OperationLimits } from '@cashtrack/platform/graphql';
import type { RateLimitPolicies } from './plugins/rateLimit.ts';
import { defaultSocketLimits, type SocketLimits } from './subscriptions/socketLimits.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface GatewayConfig {
  /** `GATEWAY_HOST`, default 127.0.0.1 (compose sets 0.0.0.0). */
  readonly host: string;
  /** `GATEWAY_PORT`, default 4000; 0 picks a free port (tests). */
  readonly port: number;
  /** `NODE_ENV=production`: no introspection, no playground, no stack traces or field suggestions. */
  readonly production: boolean;
  /** `GATEWAY_INTROSPECTION`, default on outside production. */
  readonly introspection: boolean;
  /** `GATEWAY_PLAYGROUND`, default on outside production: GraphiQL at GET /graphql. */
  readonly playground: boolean;
  /** `GATEWAY_SUPERGRAPH_PATH`, default schema/supergraph.graphql (composed by `npm run schema:compose`). */
  readonly supergraphPath: string;
  /** `AUTH_JWKS_URL`: auth's public keys, as every verifier reads it (platform's jwksSettings). */
  readonly jwksUrl: string;
  /** `AUTH_JWKS_REFETCH_MS`: the same pause between fetches for unknown kids as every verifier. */
  readonly jwksMinRefetchMs: number;
  readonly tokenAudience: AccessTokenAudience;
  /**
   * Replicas per subgraph: `SUBGRAPH_<NAME>_URLS`, comma-separated (e.g. SUBGRAPH_EXPENSE_URLS).
   * A subgraph without one uses the URL composed into the supergraph.
   */
  readonly subgraphUrls: (name: string) => string[] | undefined;
  readonly limits: OperationLimits;
  /** `GATEWAY_MAX_BODY_BYTES`, default 100 000: larger bodies get 413 PAYLOAD_TOO_LARGE. */
  readonly maxBodyBytes: number;
  readonly rateLimits: RateLimitPolicies;
  /**
   * `GATEWAY_TRUST_PROXY=1` when one proxy in front appends to `x-forwarded-for`: its right-most
   * entry counts. Otherwise the socket address counts.
   */
  readonly trustProxy: boolean;
  /** What one client may hold open over WebSocket (`GATEWAY_WS_*`, see socketLimits.ts). */
  readonly socketLimits: SocketLimits;
  /** `KAFKA_BROKERS`: where the gateway hears of access tokens `logOut` revoked. */
  readonly kafkaBrokers: readonly string[];
  /** `KAFKA_TOPIC_PREFIX`, default '' (tests use a unique one). */
  readonly topicPrefix: string;
  /**
   * `SUBGRAPH_SHARED_SECRET`: every request to a subgraph is signed with it (see
   * platform/src/gatewaySignature.ts). Required in production and beyond loopback.
   */
  readonly subgraphSecret: string;
}

export function readGatewayConfig(): GatewayConfig {
  const production = envString('NODE_ENV', 'development') === 'production';
  const flag = (name: string, fallback: boolean): boolean => {
    const value = envString(name, fallback ? '1' : '0');
    return value === '1' || value === 'true';
  };
  const host = envString('GATEWAY_HOST', '127.0.0.1');
  return {
    host,
    port: envInt('GATEWAY_PORT', 4000),
    production,
    introspection: flag('GATEWAY_INTROSPECTION', !production),
    playground: flag('GATEWAY_PLAYGROUND', !production),
    supergraphPath: path.resolve(
      repoRoot,
      envString('GATEWAY_SUPERGRAPH_PATH', 'schema/supergraph.graphql'),
    ),
    jwksUrl: readSetting(jwksSettings.jwksUrl),
    jwksMinRefetchMs: readSetting(jwksSettings.jwksMinRefetchMs),
    tokenAudience: accessTokenAudienceFromEnv(),
    subgraphUrls: (name) => {
      const urls = envList(`SUBGRAPH_${name.toUpperCase()}_URLS`, []);
      return urls.length === 0 ? undefined : urls;
    },
    limits: operationLimitsFromEnv(),
    maxBodyBytes: envInt('GATEWAY_MAX_BODY_BYTES', 100_000),
    rateLimits: {
      perUser: {
        capacity: envInt('GATEWAY_RATE_USER_BURST', 30),
        refillPerSecond: envInt('GATEWAY_RATE_USER_PER_SECOND', 5),
      },
      perAddress: {
        capacity: envInt('GATEWAY_RATE_ADDRESS_BURST', 60),
        refillPerSecond: envInt('GATEWAY_RATE_ADDRESS_PER_SECOND', 10),
      },
      signUpsPerAddress: {
        capacity: envInt('GATEWAY_RATE_SIGNUP_BURST', 5),
        refillPerSecond: envInt('GATEWAY_RATE_SIGNUP_PER_HOUR', 10) / 3_600,
      },
    },
    trustProxy: flag('GATEWAY_TRUST_PROXY', false),
    subgraphSecret: subgraphSharedSecretFromEnv({ host }),
    socketLimits: {
      maxPayloadBytes: envInt('GATEWAY_WS_MAX_PAYLOAD_BYTES', defaultSocketLimits.maxPayloadBytes),
      maxSubscriptionsPerSocket: envInt(
        'GATEWAY_WS_MAX_SUBSCRIPTIONS_PER_SOCKET',
        defaultSocketLimits.maxSubscriptionsPerSocket,
      ),
      maxSocketsPerAddress: envInt(
        'GATEWAY_WS_MAX_SOCKETS_PER_ADDRESS',
        defaultSocketLimits.maxSocketsPerAddress,
      ),
      maxSocketsPerUser: envInt(
        'GATEWAY_WS_MAX_SOCKETS_PER_USER',
        defaultSocketLimits.maxSocketsPerUser,
      ),
    },
    kafkaBrokers: envList('KAFKA_BROKERS', ['127.0.0.1:9092']),
    topicPrefix: envString('KAFKA_TOPIC_PREFIX', ''),
  };
}
