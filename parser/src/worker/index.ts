import { runServiceProcess } from '@cashtrack/platform/service';
import { parserWorkerConfigFromEnv } from './config.ts';
import { startParserWorker } from './parserWorker.ts';

// On SIGTERM the consumer finishes the message in hand and commits before the process exits.
await runServiceProcess('parser-worker', (logger) =>
  startParserWorker(parserWorkerConfigFromEnv(), { logger }),
);
