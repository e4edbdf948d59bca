import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '@cashtrack/platform';
import type { FaultTarget, PlannedFault } from './faultPlan.ts';
import type { FaultRecord } from './ledger.ts';

/** What the scheduler needs from the system under chaos. */
export interface FaultInjector {
  /** SIGKILL; resolves once the process is gone. */
  kill(target: FaultTarget): Promise<void>;
  /** Starts it again on its data and port; resolves once it is ready, rejects if it never is. */
  start(target: FaultTarget): Promise<void>;
}

export interface FaultRunOptions {
  /** Epoch ms the plan's offsets count from. */
  readonly startedAt: number;
  /** Aborting stops injecting new faults; a killed process is always started again. */
  readonly signal: AbortSignal;
  readonly log: Logger;
  /**
   * True once a write started after `killedAt` has been acknowledged. The next fault waits for
   * it (at most `recoveryWaitMs`), so each fault's time to recovery is measured on its own
   * rather than hidden behind the next kill.
   */
  readonly writesRecovered?: (killedAt: number) => boolean;
  /** Default 60 000. */
  readonly recoveryWaitMs?: number;
  readonly now?: () => number;
}

/**
 * Carries out a fault plan, one fault at a time: waits for the planned moment (or for the
 * previous fault's recovery when that overran), kills, waits the planned down time, starts the
 * process again, waits until it is ready and until writes succeed again. Every fault is recorded, including a start that
 * failed, which the checks count as a process that did not come back.
 */
export async function runFaults(
  plan: readonly PlannedFault[],
  injector: FaultInjector,
  options: FaultRunOptions,
): Promise<FaultRecord[]> {
  const now = options.now ?? Date.now;
  const records: FaultRecord[] = [];
  for (const fault of plan) {
    const wait = options.startedAt + fault.atMs - now();
    if (wait > 0) await delay(wait, undefined, { signal: options.signal }).catch(() => undefined);
    if (options.signal.aborted) break;
    const killedAt = now();
    options.log.info({ target: fault.target, downMs: fault.downMs }, 'fault: SIGKILL');
    try {
      await injector.kill(fault.target);
    } catch (error) {
      records.push({ target: fault.target, killedAt, readyAt: undefined, error: message(error) });
      continue;
    }
    await delay(fault.downMs);
    try {
      await injector.start(fault.target);
      const readyAt = now();
      options.log.info(
        { target: fault.target, recoveryMs: readyAt - killedAt },
        'fault: ready again',
      );
      records.push({ target: fault.target, killedAt, readyAt });
      const recovered = options.writesRecovered;
      const giveUpAt = now() + (options.recoveryWaitMs ?? 60_000);
      while (recovered !== undefined && !recovered(killedAt) && now() < giveUpAt) await delay(100);
    } catch (error) {
      options.log.error({ target: fault.target, err: error }, 'fault: did not come back');
      records.push({ target: fault.target, killedAt, readyAt: undefined, error: message(error) });
    }
  }
  return records;
}

function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
