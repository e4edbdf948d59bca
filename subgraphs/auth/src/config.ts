import {
  accessTokenAudienceSettings,
  kafkaSettings,
  listenSettings,
  mongoSettings,
  readSettings,
  wholeNumber,
  type ConfigOf,
  type Setting,
} from '@cashtrack/platform';
import type { PasswordHashCost } from './crypto/passwordHasher.ts';
import type { DelayPolicy, LoginThrottlePolicy } from './domain/loginThrottle.ts';
import type { RefreshPolicy } from './domain/refreshFamily.ts';

function whole(variable: string, fallback: number, doc: string): Setting<number> {
  return { variable, parse: wholeNumber, fallback, doc };
}

export const authSettings = {
  ...listenSettings('AUTH', 4001),
  ...mongoSettings('AUTH_DATABASE', 'authServiceDB'),
  ...kafkaSettings,
  ...accessTokenAudienceSettings,
  // scrypt N = 2^15, r = 8: 32 MiB and tens of milliseconds per hash (OWASP's scrypt minimum is
  // N = 2^17 with r = 8 and p = 1, or equivalent; raise it on faster hosts).
  scryptLog2Cost: whole('AUTH_SCRYPT_LOG2_COST', 15, 'scrypt N = 2^this (r = 8, p = 1)'),
  refreshTokenDays: whole(
    'AUTH_REFRESH_TOKEN_DAYS',
    7,
    'refresh-token lifetime; each use rotates it',
  ),
  refreshGraceSeconds: whole(
    'AUTH_REFRESH_GRACE_SECONDS',
    10,
    'a repeat of the just-rotated token within this gets the same successor (racing app threads)',
  ),
  // Log-in throttling: domain/loginThrottle.ts, and the README says why.
  loginFreeFailures: whole(
    'AUTH_LOGIN_FREE_FAILURES',
    5,
    'failed log-ins per email and address pair (or per device token) before waits start',
  ),
  addressMaxFailures: whole(
    'AUTH_ADDRESS_MAX_FAILURES',
    20,
    'failed log-ins per client address, over all emails, before waits start',
  ),
  emailCeilingFailures: whole(
    'AUTH_EMAIL_CEILING_FAILURES',
    100,
    'failed log-ins per email from unknown clients before waits start (distributed guessing)',
  ),
  emailCeilingWindowSeconds: whole(
    'AUTH_EMAIL_CEILING_WINDOW_SECONDS',
    86_400,
    'the email ceiling starts over after this long without an attempt',
  ),
  throttleMaxDelaySeconds: whole(
    'AUTH_THROTTLE_MAX_DELAY_SECONDS',
    300,
    'longest wait a log-in counter asks for (waits start at 1 s and double); never a lock',
  ),
  throttleWindowSeconds: whole(
    'AUTH_THROTTLE_WINDOW_SECONDS',
    900,
    'the other log-in counters start over after this long without an attempt',
  ),
  signUpFreePerAddress: whole(
    'AUTH_SIGNUP_FREE_PER_ADDRESS',
    30,
    'sign-ups per client address within the window, across every replica',
  ),
  signUpWindowSeconds: whole(
    'AUTH_SIGNUP_WINDOW_SECONDS',
    3_600,
    'the sliding window those sign-ups are counted over',
  ),
  keyRotationDays: whole(
    'AUTH_KEY_ROTATION_DAYS',
    30,
    'a signing key older than this is replaced; old keys stay in the JWKS until their tokens expire',
  ),
  housekeepingIntervalSeconds: whole(
    'AUTH_HOUSEKEEPING_INTERVAL_SECONDS',
    600,
    'how often auth deletes log-in counters, sign-up entries and refresh families past their use',
  ),
};

type AuthSettings = ConfigOf<typeof authSettings>;

export interface AuthConfig extends Pick<
  AuthSettings,
  'port' | 'host' | 'mongoUrl' | 'database' | 'kafkaBrokers' | 'topicPrefix' | 'issuer' | 'audience'
> {
  readonly passwordHashCost: PasswordHashCost;
  readonly refresh: RefreshPolicy;
  /** Log-in and sign-up throttling, from the `AUTH_*` settings above. */
  readonly loginThrottle: LoginThrottlePolicy;
  /** A signing key older than this is replaced. */
  readonly keyRotationMs: number;
  /** How often expired log-in counters, sign-ups and refresh families are deleted. */
  readonly housekeepingIntervalMs: number;
  /** How often this replica reloads keys (another may have rotated): 60 000 ms. */
  readonly keyRefreshIntervalMs: number;
}

const second = 1000;
const day = 24 * 60 * 60 * second;

export function authConfigFromEnv(): AuthConfig {
  const settings = readSettings(authSettings);
  /** Free attempts, then 1 s doubling up to `AUTH_THROTTLE_MAX_DELAY_SECONDS`. */
  const delays = (freeAttempts: number, resetAfterSeconds: number): DelayPolicy => ({
    freeAttempts,
    firstDelayMs: second,
    maxDelayMs: settings.throttleMaxDelaySeconds * second,
    resetAfterMs: resetAfterSeconds * second,
  });
  return {
    port: settings.port,
    host: settings.host,
    mongoUrl: settings.mongoUrl,
    database: settings.database,
    kafkaBrokers: settings.kafkaBrokers,
    topicPrefix: settings.topicPrefix,
    issuer: settings.issuer,
    audience: settings.audience,
    passwordHashCost: { log2N: settings.scryptLog2Cost, r: 8, p: 1 },
    refresh: {
      lifetimeMs: settings.refreshTokenDays * day,
      graceMs: settings.refreshGraceSeconds * second,
      reuseLookback: 1_000,
    },
    loginThrottle: {
      pair: delays(settings.loginFreeFailures, settings.throttleWindowSeconds),
      device: delays(settings.loginFreeFailures, settings.throttleWindowSeconds),
      address: delays(settings.addressMaxFailures, settings.throttleWindowSeconds),
      email: delays(settings.emailCeilingFailures, settings.emailCeilingWindowSeconds),
      signUp: delays(settings.signUpFreePerAddress, settings.signUpWindowSeconds),
    },
    keyRotationMs: settings.keyRotationDays * day,
    keyRefreshIntervalMs: 60_000,
    housekeepingIntervalMs: settings.housekeepingIntervalSeconds * second,
  };
}
