// OpenTelemetry tracing, an entry point of its own: the SDK and OTLP exporter load only here,
// in processes that start tracing. The active trace as pure code sees it is in the pure entry
// ('@cashtrack/platform': activeTraceCarrier, activeTraceIds, contextFromHeaders).
export { activeTracer, startTracing } from './startTracing.ts';
export type { StartTracingOptions, Tracing } from './startTracing.ts';
export { tracingSettings } from './tracingSettings.ts';
export { traceRequest, resumeRequestTrace } from './httpSpans.ts';
export {
  inBatchProcessSpans,
  inMessageTrace,
  inProcessSpan,
  startPublishSpan,
  unsampledTraceOf,
} from './messageSpans.ts';
export type { PublishSpan } from './messageSpans.ts';
export { inSocketOperationSpan, inSubscriptionDeliverySpan } from './subscriptionSpans.ts';
export { withSamplingOfOurs } from './untrustedCallers.ts';
