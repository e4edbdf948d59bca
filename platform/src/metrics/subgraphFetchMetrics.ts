import type { Fetcher } from '@apollo/utils.fetcher';
import { Histogram, type Registry } from 'prom-client';
import { metricsEnabled } from './metricsSettings.ts';

/**
 * Times the gateway's fetches from subgraphs by subgraph and outcome: the HTTP status, or
 * `error` when no answer came. Returns the wrapper each subgraph's fetcher goes through, all
 * into one histogram.
 */
export function subgraphFetchMetrics(
  registry: Registry,
): (subgraph: string, fetcher: Fetcher) => Fetcher {
  if (!metricsEnabled()) return (_subgraph, fetcher) => fetcher;
  const duration = new Histogram({
    name: 'gateway_subgraph_fetch_duration_seconds',
    help: 'Fetches from subgraphs (replica failover included), by subgraph and status code.',
    labelNames: ['subgraph', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return (subgraph, fetcher) => async (url, init) => {
    const started = performance.now();
    const observe = (status: string): void =>
      duration.observe({ subgraph, status_code: status }, (performance.now() - started) / 1_000);
    try {
      const response = await fetcher(url, init);
      observe(String(response.status));
      return response;
    } catch (error) {
      observe('error');
      throw error;
    }
  };
}
