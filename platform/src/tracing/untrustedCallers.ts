import { TraceFlags } from '@opentelemetry/api';
import { traceparentFlags, withTraceparentFlags, type TraceCarrier } from '../traceContext.ts';
import { activeTracer, newTraceSampleShare } from './startTracing.ts';

/**
 * The trace context a caller outside our services sent (the app, or anyone on the internet),
 * with the sampled flag drawn here instead of taken from the caller. Following it would let any
 * client have every request it sends traced and exported, a few kilobytes of spans each, which
 * the deployment pays for by the gigabyte; W3C Trace Context leaves a receiver free to ignore an
 * untrusted caller's flag. The trace id and parent id stay, so the caller's records and ours still
 * meet when the request is sampled. The draw is random, not the trace id's bits as a ratio
 * sampler's would be, because the caller chooses its trace id. Shares as the sampler keeps new
 * traces; `draw` is for tests. Tracing off, or no context: as it came.
 */
export function withSamplingOfOurs(
  carrier: TraceCarrier | undefined,
  draw: () => number = Math.random,
): TraceCarrier | undefined {
  if (carrier === undefined || activeTracer() === undefined) return carrier;
  const flags = traceparentFlags(carrier.traceparent);
  if (flags === undefined) return carrier;
  const drawn =
    draw() < newTraceSampleShare() ? flags | TraceFlags.SAMPLED : flags & ~TraceFlags.SAMPLED;
  return { ...carrier, traceparent: withTraceparentFlags(carrier.traceparent, drawn) };
}
