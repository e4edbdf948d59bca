import { runServiceProcess } from '@cashtrack/platform/service';
import { userConfigFromEnv } from './config.ts';
import { startUserSubgraph } from './userSubgraph.ts';

await runServiceProcess('user', (logger) => startUserSubgraph(userConfigFromEnv(), { logger }));
