import { CodedError, type Logger } from '@cashtrack/platform';
import { issueDeviceToken, knownDeviceId } from './domain/deviceToken.ts';
import {
  clearedOnSuccess,
  combineVerdicts,
  countersFor,
  type ChargedCounter,
  type LoginThrottlePolicy,
} from './domain/loginThrottle.ts';
import type { LoginThrottleStore } from './loginThrottleStore.ts';

/** One admitted log-in attempt, told how it ended. */
export interface AdmittedLogIn {
  /** The password was right: the caller's own counter starts over. */
  succeeded(): Promise<void>;
}

/** Applies domain/loginThrottle.ts to log-ins, with the counters in the shared store. */
export interface LoginGuard {
  /**
   * Charges the attempt to its counters, or throws `TOO_MANY_ATTEMPTS` with
   * `retryAfterSeconds` (the longest wait among them) without charging anything more.
   */
  admit(attempt: {
    readonly email: string;
    readonly clientAddress: string;
    readonly deviceToken: string | null | undefined;
  }): Promise<AdmittedLogIn>;
  /** A device token for `email`, handed out with each session so the client becomes known. */
  deviceTokenFor(email: string): string;
}

export interface LoginGuardOptions {
  readonly store: LoginThrottleStore;
  readonly policy: LoginThrottlePolicy;
  /** The device-token HMAC key (refreshTokenKey.ts). */
  readonly deviceKey: Buffer;
  readonly now: () => Date;
  readonly log: Logger;
}

export function createLoginGuard(options: LoginGuardOptions): LoginGuard {
  const { store, policy, deviceKey, log } = options;
  return {
    async admit({ email, clientAddress, deviceToken }) {
      const now = options.now();
      const deviceId = knownDeviceId(deviceKey, email, deviceToken);
      const counters = countersFor({ email, clientAddress, knownDeviceId: deviceId });
      // Read every verdict first, so a refusal by one counter charges none of the others.
      const refused = combineVerdicts(
        await Promise.all(counters.map((c) => store.verdict(c.key, now, policy[c.kind]))),
      );
      const verdict = refused.allowed ? combineVerdicts(await admitAll(counters, now)) : refused;
      if (!verdict.allowed) {
        log.warn(
          { clientAddress, knownClient: deviceId !== undefined, ...verdict },
          'log-in throttled',
        );
        throw new CodedError('TOO_MANY_ATTEMPTS', 'Too many failed log-ins; try again later', {
          retryAfterSeconds: verdict.retryAfterSeconds,
        });
      }
      return {
        async succeeded() {
          await Promise.all(
            counters.map((c) =>
              clearedOnSuccess(c.kind) ? store.clear(c.key) : store.release(c.key),
            ),
          );
        },
      };
    },
    deviceTokenFor(email) {
      return issueDeviceToken(deviceKey, email);
    },
  };

  /** One after another: a counter that refuses stops the rest being charged. */
  async function admitAll(counters: readonly ChargedCounter[], now: Date) {
    const verdicts = [];
    for (const counter of counters) {
      const verdict = await store.admit(counter.key, now, policy[counter.kind]);
      verdicts.push(verdict);
      if (!verdict.allowed) break;
    }
    return verdicts;
  }
}
