import { errorMessage } from './errors.ts';
import type { Logger } from './logger.ts';

/** One thing to stop on shutdown, named for the log. */
export interface ShutdownStep {
  readonly name: string;
  stop(): Promise<void>;
}

/**
 * On the first SIGTERM, SIGINT or SIGHUP (a closed terminal), runs `steps` in order (stop taking
 * requests first, close the database last), then exits with `process.exitCode` (0 unless set),
 * or 1 if a step failed. A second signal exits at once, for an operator who does not want to wait.
 */
export function stopOnShutdownSignals(log: Logger, steps: readonly ShutdownStep[]): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log.warn({ signal }, 'second signal; exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    void (async () => {
      let failed = false;
      for (const step of steps) {
        try {
          await step.stop();
        } catch (error) {
          failed = true;
          log.error({ step: step.name, err: errorMessage(error) }, 'shutdown step failed');
        }
      }
      log.info('stopped');
      process.exit(failed ? 1 : undefined);
    })();
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, onSignal);
}

/**
 * A service's `close()`: runs `steps` in order once; later calls wait for that same run. Tests
 * close services this way; processes run the same steps on signals (`stopOnShutdownSignals`).
 */
export function closeOnce(steps: readonly ShutdownStep[]): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= (async () => {
      for (const step of steps) await step.stop();
    })();
    return closing;
  };
}
