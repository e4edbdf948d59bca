import type { Logger } from '@cashtrack/platform';
import type { LoginThrottlePolicy } from './domain/loginThrottle.ts';
import { retentionCutoffs } from './domain/retention.ts';
import type { LoginThrottleStore } from './stores/loginThrottleStore.ts';
import type { RefreshFamilyStore } from './stores/refreshFamilyStore.ts';
import type { SignUpLedger } from './stores/signUpLedger.ts';

export interface AuthHousekeepingOptions {
  readonly counters: Pick<LoginThrottleStore, 'sweep'>;
  readonly signUps: Pick<SignUpLedger, 'sweep'>;
  readonly families: Pick<RefreshFamilyStore, 'sweep'>;
  readonly policy: LoginThrottlePolicy;
  readonly now: () => Date;
  readonly log: Logger;
}

export interface SweptCounts {
  readonly loginCounters: number;
  readonly signUps: number;
  readonly refreshFamilies: number;
}

/** Deletes what auth no longer needs (domain/retention.ts says what and why). */
export async function sweepExpiredAuthState(
  options: AuthHousekeepingOptions,
): Promise<SweptCounts> {
  const cutoffs = retentionCutoffs(options.now(), options.policy);
  const swept: SweptCounts = {
    loginCounters: await options.counters.sweep(cutoffs.loginCountersBefore),
    signUps: await options.signUps.sweep(cutoffs.signUpsBefore),
    refreshFamilies: await options.families.sweep(cutoffs.refreshFamiliesExpiredBefore),
  };
  options.log.info({ swept }, 'auth housekeeping done');
  return swept;
}

/**
 * Sweeps every `intervalMs` on every replica: two replicas deleting the same documents is
 * harmless, and nobody has to be elected. A failed sweep is logged and tried at the next tick.
 */
export function startAuthHousekeeping(
  options: AuthHousekeepingOptions & { readonly intervalMs: number },
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = sweepExpiredAuthState(options).catch((error: unknown) =>
      options.log.error({ err: error }, 'auth housekeeping failed'),
    );
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
