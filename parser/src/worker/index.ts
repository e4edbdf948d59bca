import { createLogger, stopOnShutdownSignals, stopWithParent } from '@cashtrack/platform';
import { parserWorkerConfigFromEnv } from './config.ts';
import { startParserWorker } from './parserWorker.ts';

// Wiring only: configuration from the environment, the worker, shutdown on SIGTERM/SIGINT
// (the consumer finishes the message in hand and commits before the process exits).
const log = createLogger('parser-worker');
// Under `npm start`: stop when the supervisor dies, even by SIGKILL (no orphan holds the port).
stopWithParent(log);
try {
  const worker = await startParserWorker(parserWorkerConfigFromEnv(), { logger: log });
  stopOnShutdownSignals(log, worker.shutdownSteps);
} catch (error) {
  log.fatal({ err: error }, 'parser worker failed to start');
  process.exit(1);
}
