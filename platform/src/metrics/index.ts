// What processes outside the service runtime (the gateway) need to serve the same /metrics.
export { createMetricsRegistry } from './metricsRegistry.ts';
export { metricsRoute } from './metricsRoute.ts';
export { httpMetrics } from './httpMetrics.ts';
export { graphqlMetricsPlugin } from './graphqlMetrics.ts';
export { gaugeFrom } from './gaugeFrom.ts';
export { subgraphFetchMetrics } from './subgraphFetchMetrics.ts';
