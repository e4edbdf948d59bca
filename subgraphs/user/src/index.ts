import { createLogger, stopOnShutdownSignals } from '@cashtrack/platform';
import { userConfigFromEnv } from './config.ts';
import { startUserSubgraph } from './userSubgraph.ts';

// Wiring only: configuration from the environment, the subgraph, shutdown on SIGTERM/SIGINT.
const log = createLogger('user');
try {
  const user = await startUserSubgraph(userConfigFromEnv(), { logger: log });
  stopOnShutdownSignals(log, user.shutdownSteps);
} catch (error) {
  log.fatal({ err: error }, 'user failed to start');
  process.exit(1);
}
