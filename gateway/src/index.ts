import { readFile } from 'node:fs/promises';
import {
  createLogger,
  errorMessage,
  stopOnShutdownSignals,
  stopWithParent,
} from '@cashtrack/platform';
import { startTracing } from '@cashtrack/platform/tracing';
import { readGatewayConfig } from './config.ts';
import { startGateway } from './gatewayServer.ts';

const log = createLogger('gateway');
// Under `npm start`: stop when the supervisor dies, even by SIGKILL (no orphan holds the port).
stopWithParent(log);

const config = readGatewayConfig();
try {
  // Before the gateway, so its first request is traced (when OTEL_EXPORTER_OTLP_ENDPOINT is set).
  const tracing = startTracing('gateway');
  const supergraphSdl = await readFile(config.supergraphPath, 'utf8');
  const gateway = await startGateway(config, supergraphSdl);
  stopOnShutdownSignals(log, [
    { name: 'gateway', stop: () => gateway.stop() },
    { name: 'tracing', stop: () => tracing.shutdown() },
  ]);
} catch (error) {
  log.error(
    { supergraph: config.supergraphPath },
    `gateway failed to start: ${errorMessage(error)}`,
  );
  process.exitCode = 1;
}
