import { createLogger, stopOnShutdownSignals, stopWithParent } from '@cashtrack/platform';
import { expenseConfigFromEnv } from './config.ts';
import { startExpenseSubgraph } from './expenseSubgraph.ts';

// Wiring only: configuration from the environment, the subgraph and its projector, shutdown on
// SIGTERM/SIGINT.
const log = createLogger('expense');
// Under `npm start`: stop when the supervisor dies, even by SIGKILL (no orphan holds the port).
stopWithParent(log);
try {
  const expense = await startExpenseSubgraph(expenseConfigFromEnv(), { logger: log });
  stopOnShutdownSignals(log, expense.shutdownSteps);
} catch (error) {
  log.fatal({ err: error }, 'expense failed to start');
  process.exit(1);
}
