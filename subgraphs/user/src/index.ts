import { createLogger, stopOnShutdownSignals, stopWithParent } from '@cashtrack/platform';
import { userConfigFromEnv } from './config.ts';
import { startUserSubgraph } from './userSubgraph.ts';

// Wiring only: configuration from the environment, the subgraph, shutdown on SIGTERM/SIGINT.
const log = createLogger('user');
// Under `npm start`: stop when the supervisor dies, even by SIGKILL (no orphan holds the port).
stopWithParent(log);
try {
  const user = await startUserSubgraph(userConfigFromEnv(), { logger: log });
  stopOnShutdownSignals(log, user.shutdownSteps);
} catch (error) {
  log.fatal({ err: error }, 'user failed to start');
  process.exit(1);
}
