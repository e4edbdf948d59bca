import { context, propagation, trace, type Context, type TextMapGetter } from '@opentelemetry/api';

// The active trace as the pure code sees it, through OpenTelemetry's API alone: until a process
// starts tracing ('@cashtrack/platform/tracing'), the API is a no-op and so is everything here.

/** W3C trace context as text, the way HTTP and Kafka headers and the outbox carry it. */
export interface TraceCarrier {
  readonly traceparent: string;
  readonly tracestate?: string;
}

/** The ids a log line carries beside the correlation id. */
export interface TraceIds {
  readonly traceId: string;
  readonly spanId: string;
}

/** The active span's ids, or undefined when no span is active (always so with tracing off). */
export function activeTraceIds(): TraceIds | undefined {
  const span = trace.getActiveSpan();
  if (span === undefined) return undefined;
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}

/**
 * The active trace context as W3C headers, to be sent on with a message or an outbox entry, or
 * undefined when there is none (tracing off, or nothing traced here).
 */
export function activeTraceCarrier(): TraceCarrier | undefined {
  if (trace.getActiveSpan() === undefined) return undefined;
  return traceCarrierOf(context.active());
}

/** The trace context `traceContext` holds as W3C headers, or undefined when it holds none. */
export function traceCarrierOf(traceContext: Context): TraceCarrier | undefined {
  const carrier: { traceparent?: string; tracestate?: string } = {};
  propagation.inject(traceContext, carrier);
  if (carrier.traceparent === undefined) return undefined;
  return carrier.tracestate === undefined
    ? { traceparent: carrier.traceparent }
    : { traceparent: carrier.traceparent, tracestate: carrier.tracestate };
}

/**
 * The W3C trace context an object holds in `traceparent` (and `tracestate`) fields of text: a
 * stored record, a GraphQL result's `extensions`, a graphql-ws `connectionParams`, HTTP headers.
 * Undefined when it holds none.
 */
export function traceCarrierIn(holder: unknown): TraceCarrier | undefined {
  if (typeof holder !== 'object' || holder === null) return undefined;
  const { traceparent, tracestate } = holder as { traceparent?: unknown; tracestate?: unknown };
  if (typeof traceparent !== 'string') return undefined;
  return typeof tracestate === 'string' ? { traceparent, tracestate } : { traceparent };
}

/** Header values as HTTP (strings) and kafkajs (Buffers, maybe repeated) hand them over. */
export type HeaderValues = Readonly<
  Record<string, Buffer | string | readonly (Buffer | string)[] | undefined>
>;

const headerGetter: TextMapGetter<HeaderValues> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => {
    const value = headers[key];
    const first = Array.isArray(value) ? (value[0] as Buffer | string | undefined) : value;
    return first === undefined ? undefined : first.toString();
  },
};

/** The context `headers` carry (`traceparent`, `tracestate`) under the active one. */
export function contextFromHeaders(headers: HeaderValues): Context {
  return propagation.extract(context.active(), headers, headerGetter);
}
