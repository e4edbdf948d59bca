import { createLogger, stopOnShutdownSignals, stopWithParent } from '@cashtrack/platform';
import { startAuthSubgraph } from './authSubgraph.ts';
import { authConfigFromEnv } from './config.ts';

// Wiring only: configuration from the environment, the subgraph, shutdown on SIGTERM/SIGINT.
const log = createLogger('auth');
// Under `npm start`: stop when the supervisor dies, even by SIGKILL (no orphan holds the port).
stopWithParent(log);
try {
  const auth = await startAuthSubgraph(authConfigFromEnv(), { logger: log });
  stopOnShutdownSignals(log, auth.shutdownSteps);
} catch (error) {
  log.fatal({ err: error }, 'auth failed to start');
  process.exit(1);
}
