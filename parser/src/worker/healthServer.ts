import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventConsumerStats } from '@cashtrack/events';
import { sendJson, type Logger } from '@cashtrack/platform';

export interface HealthServerOptions {
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly host: string;
  /** The consumer's counters: readiness reads its state, `/metrics` shows the numbers. */
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
 * 200 while the process lives and `GET /ready` 200 while the consumer runs and its dependencies
 * answer (else 503); both say only that, because anyone who can reach the port can ask.
 * `GET /metrics` has the consumer's state, lag and counts in Prometheus text, and answers only
 * callers on this host (see `isLoopbackAddress`); the last error's text is in the logs, never
 * on the wire.
 */
export async function startHealthServer(
  options: HealthServerOptions,
): Promise<RunningHealthServer> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'GET') return sendJson(response, 405, { error: 'method not allowed' });
    if (path === '/health') return sendJson(response, 200, { status: 'ok' });
    if (path === '/ready') {
      void (async () => {
        const ready =
          options.stats().state === 'running' &&
          (await options.dependenciesReady().catch(() => false));
        sendJson(response, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
      })();
      return;
    }
    if (path === '/metrics' && fromThisHost(request)) {
      response.statusCode = 200;
      response.setHeader('content-type', 'text/plain; version=0.0.4; charset=utf-8');
      response.end(consumerMetrics(options.stats()));
      return;
    }
    // A refused /metrics looks like any unknown path, so probing it tells nothing.
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

/**
 * The TCP peer, not a header: nothing proxies the worker's port, so no header could be trusted
 * to name the caller, and the peer address cannot be forged over TCP.
 */
function fromThisHost(request: IncomingMessage): boolean {
  return isLoopbackAddress(request.socket.remoteAddress);
}

/** 127.0.0.0/8, ::1, and IPv4 loopback written as an IPv6-mapped address. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

const consumerStates: readonly EventConsumerStats['state'][] = [
  'running',
  'stopping',
  'stopped',
  'failed',
];

/** The consumer's counters in the Prometheus text exposition format. */
export function consumerMetrics(stats: EventConsumerStats): string {
  const lines = [
    '# HELP parser_consumer_state 1 for the state the consumer is in, 0 for the others.',
    '# TYPE parser_consumer_state gauge',
    ...consumerStates.map(
      (state) => `parser_consumer_state{state="${state}"} ${state === stats.state ? 1 : 0}`,
    ),
    '# HELP parser_consumer_lag Messages behind the end of the partitions this member fetched.',
    '# TYPE parser_consumer_lag gauge',
    `parser_consumer_lag ${stats.lag}`,
    '# HELP parser_consumer_processed_total Messages handled.',
    '# TYPE parser_consumer_processed_total counter',
    `parser_consumer_processed_total ${stats.processed}`,
    '# HELP parser_consumer_dead_lettered_total Messages sent to the dead-letter topic.',
    '# TYPE parser_consumer_dead_lettered_total counter',
    `parser_consumer_dead_lettered_total ${stats.deadLettered}`,
    '# HELP parser_consumer_retries_total Handling attempts retried.',
    '# TYPE parser_consumer_retries_total counter',
    `parser_consumer_retries_total ${stats.retries}`,
  ];
  return `${lines.join('\n')}\n`;
}
