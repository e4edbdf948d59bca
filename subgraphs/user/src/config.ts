import {
  accessTokenAudienceFromEnv,
  envInt,
  envList,
  envString,
  type AccessTokenAudience,
} from '@cashtrack/platform';

export interface UserConfig extends AccessTokenAudience {
  /** `USER_PORT`, default 4002; 0 picks a free port. */
  readonly port: number;
  /** `USER_HOST`, default 127.0.0.1 (containers set 0.0.0.0). */
  readonly host: string;
  readonly mongoUrl: string;
  /** `USER_DATABASE`, default `userServiceDB`. */
  readonly database: string;
  readonly kafkaBrokers: readonly string[];
  /** `KAFKA_TOPIC_PREFIX`, default ''. */
  readonly topicPrefix: string;
  /** `USER_CONSUMER_GROUP`, default `user-profiles` (prefixed like the topics). */
  readonly consumerGroup: string;
  /** `AUTH_JWKS_URL`, default auth's on 127.0.0.1 at `AUTH_PORT` (4001). */
  readonly jwksUrl: string;
  /** Shortest pause between JWKS fetches for unknown kids (`AUTH_JWKS_REFETCH_MS`, 5 000). */
  readonly jwksMinRefetchMs: number;
  /** How long `me` waits for a profile still on its way (read-your-writes). Default 2 000. */
  readonly profileWaitMs: number;
  /** How long `updateProfile` waits for its change to be projected. Default 5 000. */
  readonly updateWaitMs: number;
}

export function userConfigFromEnv(): UserConfig {
  return {
    ...accessTokenAudienceFromEnv(),
    port: envInt('USER_PORT', 4002),
    host: envString('USER_HOST', '127.0.0.1'),
    mongoUrl: envString('MONGO_URL', 'mongodb://127.0.0.1:27017'),
    database: envString('USER_DATABASE', 'userServiceDB'),
    kafkaBrokers: envList('KAFKA_BROKERS', ['127.0.0.1:9092']),
    topicPrefix: envString('KAFKA_TOPIC_PREFIX', ''),
    consumerGroup: envString('USER_CONSUMER_GROUP', 'user-profiles'),
    jwksUrl: envString(
      'AUTH_JWKS_URL',
      `http://127.0.0.1:${envInt('AUTH_PORT', 4001)}/.well-known/jwks.json`,
    ),
    jwksMinRefetchMs: envInt('AUTH_JWKS_REFETCH_MS', 5_000),
    profileWaitMs: envInt('USER_PROFILE_WAIT_MS', 2_000),
    updateWaitMs: envInt('USER_UPDATE_WAIT_MS', 5_000),
  };
}
