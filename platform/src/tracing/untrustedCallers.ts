import type { TraceCarrier } from '../traceContext.ts';
import { activeTracer, newTraceSampleShare } from './startTracing.ts';

// version-traceid-parentid-flags, as W3C Trace Context writes it; later versions may add fields.
const traceparentForm = /^([\da-f]{2}-[\da-f]{32}-[\da-f]{16}-)([\da-f]{2})(.*)$/;
const sampledBit = 0x01;

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
  const parts = traceparentForm.exec(carrier.traceparent);
  if (parts === null) return carrier;
  const [, head = '', flagsHex = '00', rest = ''] = parts;
  const flags = Number.parseInt(flagsHex, 16);
  const drawn = draw() < newTraceSampleShare() ? flags | sampledBit : flags & ~sampledBit;
  const traceparent = `${head}${drawn.toString(16).padStart(2, '0')}${rest}`;
  return { ...carrier, traceparent };
}
