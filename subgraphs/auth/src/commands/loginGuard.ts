import { CodedError, type Logger } from '@cashtrack/platform';
import type { LogInFailureReason } from '@cashtrack/platform/metrics';
import { issueDeviceToken, knownDeviceId } from '../domain/deviceToken.ts';
import {
  clearedOnSuccess,
  countersFor,
  reservedBeforeCheck,
  type ChargedCounter,
  type LoginThrottlePolicy,
} from '../domain/loginThrottle.ts';
import type { LoginThrottleStore } from '../stores/loginThrottleStore.ts';
import type { SignUpLedger } from '../stores/signUpLedger.ts';

/** One admitted log-in attempt, told how it ended. */
export interface AdmittedLogIn {
  /** The password was right: the caller's own counter starts over. */
  succeeded(): Promise<void>;
  /** The email or password was wrong. */
  failed(): Promise<void>;
}

/** Applies domain/loginThrottle.ts to log-ins, with the counters in the shared store. */
export interface LoginGuard {
  /**
   * Charges the attempt to its counters, or throws `TOO_MANY_ATTEMPTS` with
   * `retryAfterSeconds` as soon as one of them asks for a wait.
   */
  admit(attempt: {
    readonly email: string;
    readonly clientAddress: string;
    readonly deviceToken: string | null | undefined;
  }): Promise<AdmittedLogIn>;
  /** A device token for `email`, handed out with each session so the client becomes known. */
  deviceTokenFor(email: string): string;
  /** Charges one sign-up to the client address, or throws `RATE_LIMITED` with `retryAfterSeconds`. */
  admitSignUp(clientAddress: string): Promise<void>;
}

export interface LoginGuardOptions {
  readonly store: LoginThrottleStore;
  readonly signUps: SignUpLedger;
  readonly policy: LoginThrottlePolicy;
  /** The device-token HMAC key (stores/secretKeys.ts). */
  readonly deviceKey: Buffer;
  readonly now: () => Date;
  readonly log: Logger;
  /** Where failed log-ins and the throttle's refusals are counted (auth's /metrics). */
  readonly metrics?: LoginGuardMetrics;
}

export interface LoginGuardMetrics {
  readonly logInFailed: (reason: LogInFailureReason) => void;
  readonly refused: (limit: AuthRateLimit) => void;
}

/** The throttles auth counts refusals of. */
export const authRateLimits = ['log_in', 'sign_up'] as const;
export type AuthRateLimit = (typeof authRateLimits)[number];

export function createLoginGuard(options: LoginGuardOptions): LoginGuard {
  const { store, policy, deviceKey, log, metrics } = options;
  return {
    async admit({ email, clientAddress, deviceToken }) {
      const now = options.now();
      const deviceId = knownDeviceId(deviceKey, email, deviceToken);
      const counters = countersFor({ email, clientAddress, knownDeviceId: deviceId });
      const reserved: ChargedCounter[] = [];
      const afterwards: ChargedCounter[] = [];
      // One after another, in countersFor's order: a counter that refuses charges none after it.
      for (const counter of counters) {
        const reserve = reservedBeforeCheck(counter.kind);
        const verdict = reserve
          ? await store.admit(counter.key, now, policy[counter.kind])
          : await store.verdict(counter.key, now, policy[counter.kind]);
        if (!verdict.allowed) {
          log.warn(
            {
              clientAddress,
              knownClient: deviceId !== undefined,
              counter: counter.kind,
              ...verdict,
            },
            'log-in throttled',
          );
          metrics?.logInFailed('too_many_attempts');
          metrics?.refused('log_in');
          throw new CodedError('TOO_MANY_ATTEMPTS', 'Too many failed log-ins; try again later', {
            retryAfterSeconds: verdict.retryAfterSeconds,
          });
        }
        (reserve ? reserved : afterwards).push(counter);
      }
      return {
        async succeeded() {
          await Promise.all(
            reserved.map((c) =>
              clearedOnSuccess(c.kind) ? store.clear(c.key) : store.release(c.key),
            ),
          );
        },
        async failed() {
          metrics?.logInFailed('invalid_credentials');
          await Promise.all(afterwards.map((c) => store.recordFailure(c.key, now, policy[c.kind])));
        },
      };
    },
    deviceTokenFor(email) {
      return issueDeviceToken(deviceKey, email);
    },
    async admitSignUp(clientAddress) {
      const verdict = await options.signUps.admit(clientAddress, options.now(), policy.signUp);
      if (verdict.allowed) return;
      log.warn({ clientAddress, ...verdict }, 'sign-up throttled');
      metrics?.refused('sign_up');
      throw new CodedError('RATE_LIMITED', 'Too many sign-ups from this address; try again later', {
        retryAfterSeconds: verdict.retryAfterSeconds,
      });
    },
  };
}
