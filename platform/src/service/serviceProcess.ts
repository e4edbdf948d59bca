import { createLogger, type Logger } from '../logger.ts';
import { stopWithParent } from '../parentLifeline.ts';
import { stopOnShutdownSignals } from '../shutdown.ts';
import { startTracing, type Tracing } from '../tracing/startTracing.ts';
import type { RunningService } from './startService.ts';

/**
 * How long the shutdown after a fatal failure may take before the process exits anyway: less
 * than a supervisor's grace, since a broken part may no longer answer.
 */
const fatalShutdownGraceMs = 10_000;

/**
 * A service's entry point: runs `start` as this process's one service, traced when
 * `OTEL_EXPORTER_OTLP_ENDPOINT` is set (`startTracing`). The process stops with
 * its supervisor (`stopWithParent`), runs the service's shutdown on SIGINT, SIGTERM and SIGHUP
 * (`stopOnShutdownSignals`), and exits 1, after the same shutdown, when a part fails for good,
 * so the supervisor restarts it. A start that fails is logged on one line and exits 1.
 */
export async function runServiceProcess(
  name: string,
  start: (log: Logger) => Promise<RunningService>,
): Promise<void> {
  const log = createLogger(name);
  // Under `npm start`: stop when the supervisor dies, even by SIGKILL (no orphan holds the port).
  stopWithParent(log);
  let service: RunningService;
  let tracing: Tracing;
  try {
    // Before the service, so its first request and event are traced (when tracing is on).
    tracing = startTracing(name);
    service = await start(log);
  } catch (error) {
    log.fatal({ err: error }, `${name} failed to start`);
    process.exit(1);
  }
  // Last, so the spans of the shutdown itself are exported too.
  stopOnShutdownSignals(log, [
    ...service.shutdownSteps,
    { name: 'tracing', stop: () => tracing.shutdown() },
  ]);
  const error = await service.failed;
  log.fatal({ err: error }, `${name} stops: a part failed for good`);
  process.exitCode = 1;
  // A broken part may never finish stopping.
  setTimeout(() => process.exit(1), fatalShutdownGraceMs).unref();
  // The same graceful shutdown as a supervisor's SIGTERM, ending with the exit code set above.
  process.kill(process.pid, 'SIGTERM');
}
