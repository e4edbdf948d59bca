import { runServiceProcess } from '@cashtrack/platform/service';
import { expenseConfigFromEnv } from './config.ts';
import { startExpenseSubgraph } from './expenseSubgraph.ts';

await runServiceProcess('expense', (logger) =>
  startExpenseSubgraph(expenseConfigFromEnv(), { logger }),
);
