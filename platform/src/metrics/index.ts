// The metrics every process serves, and the figures each part counts into them.
export { createMetricsRegistry } from './metricsRegistry.ts';
export { metricsRoute } from './metricsRoute.ts';
export { metricsEnabled } from './metricsSettings.ts';
export { httpMetrics } from './httpMetrics.ts';
export { graphqlMetricsPlugin } from './graphqlMetrics.ts';
export { gaugeFrom } from './gaugeFrom.ts';
export { subgraphFetchMetrics } from './subgraphFetchMetrics.ts';
export { rateLimitCounter } from './rateLimitMetrics.ts';
export { logInFailureCounter, type LogInFailureReason } from './logInMetrics.ts';
export { ParserMetrics } from './parserMetrics.ts';
export type {
  ExpenseParserLabel,
  MessageOutcomeLabel,
  MessageParserLabel,
} from './parserMetrics.ts';
export { ProjectorMetrics } from './projectorMetrics.ts';
