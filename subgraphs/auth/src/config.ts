import {
  accessTokenAudienceFromEnv,
  envInt,
  envList,
  envString,
  type AccessTokenAudience,
} from '@cashtrack/platform';
import type { DelayPolicy, LoginThrottlePolicy } from './domain/loginThrottle.ts';
import type { RefreshPolicy } from './domain/refreshFamily.ts';
import type { PasswordHashCost } from './crypto/passwordHasher.ts';

export interface AuthConfig extends AccessTokenAudience {
  /** `AUTH_PORT`, default 4001; 0 picks a free port. */
  readonly port: number;
  /** `AUTH_HOST`, default 127.0.0.1 (containers set 0.0.0.0). */
  readonly host: string;
  /** `MONGO_URL`. */
  readonly mongoUrl: string;
  /** `AUTH_DATABASE`, default `authServiceDB`. */
  readonly database: string;
  /** `KAFKA_BROKERS`. */
  readonly kafkaBrokers: readonly string[];
  /** `KAFKA_TOPIC_PREFIX`, default '' (tests use a unique one). */
  readonly topicPrefix: string;
  readonly passwordHashCost: PasswordHashCost;
  readonly refresh: RefreshPolicy;
  /**
   * Log-in throttling (domain/loginThrottle.ts; the README says why): free attempts per email and
   * client `AUTH_LOGIN_FREE_FAILURES` (5), per address `AUTH_ADDRESS_MAX_FAILURES` (20), per email
   * from unknown clients `AUTH_EMAIL_CEILING_FAILURES` (100, counted over
   * `AUTH_EMAIL_CEILING_WINDOW_SECONDS`, 86 400); then waits from 1 s doubling up to
   * `AUTH_THROTTLE_MAX_DELAY_SECONDS` (300); the other counters start over after
   * `AUTH_THROTTLE_WINDOW_SECONDS` (900) without an attempt. Sign-ups per address:
   * `AUTH_SIGNUP_FREE_PER_ADDRESS` (30) within a sliding `AUTH_SIGNUP_WINDOW_SECONDS` (3 600).
   */
  readonly loginThrottle: LoginThrottlePolicy;
  /** A signing key older than this is replaced: `AUTH_KEY_ROTATION_DAYS`, default 30. */
  readonly keyRotationMs: number;
  /** How often this replica reloads keys (another may have rotated): default 60 000 ms. */
  readonly keyRefreshIntervalMs: number;
}

const day = 24 * 60 * 60 * 1000;

/** Free attempts from `variable`, then 1 s doubling up to `AUTH_THROTTLE_MAX_DELAY_SECONDS`. */
function delays(variable: string, freeAttempts: number, resetAfterMs: number): DelayPolicy {
  return {
    freeAttempts: envInt(variable, freeAttempts),
    firstDelayMs: 1000,
    maxDelayMs: envInt('AUTH_THROTTLE_MAX_DELAY_SECONDS', 300) * 1000,
    resetAfterMs,
  };
}

export function authConfigFromEnv(): AuthConfig {
  const throttleWindowMs = envInt('AUTH_THROTTLE_WINDOW_SECONDS', 900) * 1000;
  return {
    ...accessTokenAudienceFromEnv(),
    port: envInt('AUTH_PORT', 4001),
    host: envString('AUTH_HOST', '127.0.0.1'),
    mongoUrl: envString('MONGO_URL', 'mongodb://127.0.0.1:27017'),
    database: envString('AUTH_DATABASE', 'authServiceDB'),
    kafkaBrokers: envList('KAFKA_BROKERS', ['127.0.0.1:9092']),
    topicPrefix: envString('KAFKA_TOPIC_PREFIX', ''),
    // scrypt N = 2^15, r = 8: 32 MiB and tens of milliseconds per hash (OWASP's scrypt minimum
    // is N = 2^17 with r = 8 and p = 1, or equivalent; raise AUTH_SCRYPT_LOG2_COST on faster hosts).
    passwordHashCost: { log2N: envInt('AUTH_SCRYPT_LOG2_COST', 15), r: 8, p: 1 },
    refresh: {
      lifetimeMs: envInt('AUTH_REFRESH_TOKEN_DAYS', 7) * day,
      graceMs: envInt('AUTH_REFRESH_GRACE_SECONDS', 10) * 1000,
      reuseLookback: 1_000,
    },
    loginThrottle: {
      pair: delays('AUTH_LOGIN_FREE_FAILURES', 5, throttleWindowMs),
      device: delays('AUTH_LOGIN_FREE_FAILURES', 5, throttleWindowMs),
      address: delays('AUTH_ADDRESS_MAX_FAILURES', 20, throttleWindowMs),
      email: delays(
        'AUTH_EMAIL_CEILING_FAILURES',
        100,
        envInt('AUTH_EMAIL_CEILING_WINDOW_SECONDS', 86_400) * 1000,
      ),
      signUp: delays(
        'AUTH_SIGNUP_FREE_PER_ADDRESS',
        30,
        envInt('AUTH_SIGNUP_WINDOW_SECONDS', 3_600) * 1000,
      ),
    },
    keyRotationMs: envInt('AUTH_KEY_ROTATION_DAYS', 30) * day,
    keyRefreshIntervalMs: 60_000,
  };
}
