import type { IncomingMessage } from 'node:http';
import type { EventConsumerStats } from '@cashtrack/events';
import { sendJson, type HttpRoute } from '@cashtrack/platform';

/**
 * `GET /metrics`: the consumer's state, lag and counts in Prometheus text, for callers on this
 * host only (see `isLoopbackAddress`); the last error's text is in the logs, never on the wire.
 * `/health` and `/ready` say only their status, because anyone who can reach the port can ask.
 */
export function metricsRoute(stats: () => EventConsumerStats): HttpRoute {
  return async (request, response) => {
    // A refused /metrics looks like any unknown path, so probing it tells nothing.
    if (!fromThisHost(request)) return sendJson(response, 404, { error: 'not found' });
    response.statusCode = 200;
    response.setHeader('content-type', 'text/plain; version=0.0.4; charset=utf-8');
    response.end(consumerMetrics(stats()));
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
