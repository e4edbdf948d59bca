import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventConsumerStats } from '@cashtrack/events';
import { sendJson, type Logger } from '@cashtrack/platform';

export interface HealthServerOptions {
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly host: string;
  /** The consumer's counters, shown on both routes. */
  readonly stats: () => EventConsumerStats;
  /** Whatever else must answer for the worker to take work (the budget database, if used). */
  readonly dependenciesReady: () => Promise<boolean>;
  readonly log: Logger;
}

export interface RunningHealthServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The worker has no API; this server only tells supervisors how it is. `GET /health` answers
 * 200 while the process lives; `GET /ready` 200 while the consumer runs and its dependencies
 * answer, else 503. Both carry the consumer's state, lag and counts.
 */
export async function startHealthServer(
  options: HealthServerOptions,
): Promise<RunningHealthServer> {
  const summary = () => {
    const { state, lag, processed, deadLettered, retries, lastError } = options.stats();
    return { state, lag, processed, deadLettered, retries, lastError };
  };
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'GET') return sendJson(response, 405, { error: 'method not allowed' });
    if (path === '/health') return sendJson(response, 200, { status: 'ok', consumer: summary() });
    if (path === '/ready') {
      void (async () => {
        const consumer = summary();
        const ready =
          consumer.state === 'running' && (await options.dependenciesReady().catch(() => false));
        sendJson(response, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', consumer });
      })();
      return;
    }
    sendJson(response, 404, { error: 'not found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.address === '0.0.0.0' ? '127.0.0.1' : address.address;
  const url = `http://${host}:${address.port}`;
  options.log.info({ url }, 'health server listening');
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
