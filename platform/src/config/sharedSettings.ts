import { commaList, readSetting, text, wholeNumber, type Setting } from './setting.ts';

// The settings every service reads alike, defined once: a service spreads the groups it needs
// into its own settings (see subgraphs/*/src/config.ts).

/** Where a service listens: `<PREFIX>_PORT` and `<PREFIX>_HOST`. */
export function listenSettings(prefix: string, defaultPort: number) {
  return {
    port: {
      variable: `${prefix}_PORT`,
      parse: wholeNumber,
      fallback: defaultPort,
      doc: `the HTTP port (default ${defaultPort}); 0 picks a free port`,
    },
    host: {
      variable: `${prefix}_HOST`,
      parse: text,
      fallback: '127.0.0.1',
      doc: 'the address to listen on (containers: 0.0.0.0)',
    },
  } satisfies Record<string, Setting<number> | Setting<string>>;
}

/** The MongoDB server and the service's own database, `databaseVariable`. */
export function mongoSettings(databaseVariable: string, defaultDatabase: string) {
  return {
    mongoUrl: {
      variable: 'MONGO_URL',
      parse: text,
      fallback: 'mongodb://127.0.0.1:27017',
      doc: 'MongoDB connection string',
    },
    database: {
      variable: databaseVariable,
      parse: text,
      fallback: defaultDatabase,
      doc: `the service's own database (default ${defaultDatabase})`,
    },
  } satisfies Record<string, Setting<string>>;
}

export const kafkaSettings = {
  kafkaBrokers: {
    variable: 'KAFKA_BROKERS',
    parse: commaList,
    fallback: ['127.0.0.1:9092'],
    doc: 'comma-separated Kafka brokers',
  } satisfies Setting<readonly string[]>,
  topicPrefix: {
    variable: 'KAFKA_TOPIC_PREFIX',
    parse: text,
    fallback: '',
    doc: 'put in front of every topic and consumer group name (tests give each file its own)',
  } satisfies Setting<string>,
};

/** Read where topics are created (`ensureTopics`), not into each service's configuration. */
export const kafkaReplicationFactorSetting = {
  variable: 'KAFKA_REPLICATION_FACTOR',
  parse: wholeNumber,
  fallback: 1,
  doc: 'copies of each topic a service creates: 1 on one broker, the broker count (at most 3) on a cluster',
} satisfies Setting<number>;

/** `iss` and `aud`: the same for auth, which signs, and every verifier. */
export const accessTokenAudienceSettings = {
  issuer: {
    variable: 'AUTH_ISSUER',
    parse: text,
    fallback: 'cashtrack-auth',
    doc: '`iss` auth signs and every verifier demands',
  } satisfies Setting<string>,
  audience: {
    variable: 'AUTH_AUDIENCE',
    parse: text,
    fallback: 'cashtrack-api',
    doc: '`aud` auth signs and every verifier demands',
  } satisfies Setting<string>,
};

/** How a verifier other than auth finds auth's public keys. */
export const jwksSettings = {
  jwksUrl: {
    variable: 'AUTH_JWKS_URL',
    parse: text,
    // Follows auth when only its port was moved.
    fallback: (env) =>
      `http://127.0.0.1:${readSetting(listenSettings('AUTH', 4001).port, env)}/.well-known/jwks.json`,
    doc: "auth's public keys (JWKS)",
  } satisfies Setting<string>,
  jwksMinRefetchMs: {
    variable: 'AUTH_JWKS_REFETCH_MS',
    parse: wholeNumber,
    fallback: 5_000,
    doc: 'shortest pause between JWKS fetches for unknown key ids, so made-up kids cannot hammer auth',
  } satisfies Setting<number>,
};

/** Everything a verifier of access tokens reads. */
export const accessTokenVerifierSettings = { ...accessTokenAudienceSettings, ...jwksSettings };
