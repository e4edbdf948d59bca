import { runServiceProcess } from '@cashtrack/platform/service';
import { startAuthSubgraph } from './authSubgraph.ts';
import { authConfigFromEnv } from './config.ts';

await runServiceProcess('auth', (logger) => startAuthSubgraph(authConfigFromEnv(), { logger }));
