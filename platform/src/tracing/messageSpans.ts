import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Context,
  type Span,
  type SpanContext,
} from '@opentelemetry/api';
import { currentUnsampledTraceparent } from '../correlation.ts';
import { errorMessage } from '../errors.ts';
import {
  contextFromHeaders,
  isUnsampledTraceparent,
  remoteSpanContextIn,
  traceCarrierOf,
  unsampledTraceparentIn,
  withTraceparentFlags,
  type HeaderValues,
  type TraceCarrier,
} from '../traceContext.ts';
import { activeTracer, newTraceLeftOut } from './startTracing.ts';

// Spans of messages, named and attributed as OpenTelemetry's messaging conventions say
// (`<destination> publish`, `<destination> process`, `messaging.*`).

/** A publish span begun: the headers the message carries on, and its end. */
export interface PublishSpan {
  /** `traceparent` (and `tracestate`) of the publish span, for the message's headers. */
  readonly headers: Readonly<Record<string, string>>;
  end(error?: unknown): void;
}

/**
 * Begins the span of publishing one message to `topic`, a child of `parent` (the trace context
 * stored with the event, e.g. in its outbox entry) or, without one, of the active context; its
 * consumers' spans become its children through `headers`. Undefined when tracing is off.
 */
export function startPublishSpan(
  topic: string,
  parent: TraceCarrier | undefined,
): PublishSpan | undefined {
  const tracer = activeTracer();
  if (tracer === undefined) return undefined;
  // A trace left out of the sample goes on as it came, read from its flags alone: no context,
  // no span, no propagator (the relay publishes every outbox entry through here).
  const unsampled =
    parent === undefined
      ? trace.getActiveSpan() === undefined
        ? currentUnsampledTraceparent()
        : undefined
      : isUnsampledTraceparent(parent.traceparent)
        ? parent.traceparent
        : undefined;
  if (unsampled !== undefined) {
    const headers = parent === undefined ? { traceparent: unsampled } : { ...parent };
    return { headers, end: noSpanToEnd };
  }
  if (parent === undefined && trace.getActiveSpan() === undefined) {
    // A new trace: decided here as the sampler would, and one left out goes on as a traceparent
    // alone, so its consumers leave it out too.
    const leftOut = newTraceLeftOut();
    if (leftOut !== undefined) {
      return { headers: { traceparent: unsampledTraceparentOf(leftOut) }, end: noSpanToEnd };
    }
  }
  const parentContext = parent === undefined ? context.active() : contextFromHeaders({ ...parent });
  if (notSampled(parentContext)) {
    const carried = traceCarrierOf(parentContext);
    return carried === undefined ? undefined : { headers: { ...carried }, end: noSpanToEnd };
  }
  const span = tracer.startSpan(
    `${topic} publish`,
    {
      kind: SpanKind.PRODUCER,
      attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': topic },
    },
    parentContext,
  );
  const headers: Record<string, string> = {};
  propagation.inject(trace.setSpan(parentContext, span), headers);
  return {
    headers,
    end: (error) => endSpan(span, error),
  };
}

/**
 * The `traceparent` of the unsampled trace the handling of a message with `headers` continues:
 * its own when its sampler left it out (read from its flags alone), or a new one when it carries
 * none, nothing is active and the sampler would leave a new trace out, so what the handling
 * causes stays out of the sample too. Undefined when the handling is traced (or tracing is off);
 * for a new trace the sampler kept, the span the handling then starts at once is in it.
 */
export function unsampledTraceOf(headers: HeaderValues | undefined): string | undefined {
  if (activeTracer() === undefined) return undefined;
  const carried = unsampledTraceparentIn(headers);
  if (carried !== undefined || headers?.traceparent !== undefined) return carried;
  if (trace.getActiveSpan() !== undefined) return undefined;
  const leftOut = newTraceLeftOut();
  return leftOut === undefined ? undefined : unsampledTraceparentOf(leftOut);
}

/**
 * Runs `work` inside the span of processing one message of `topic`: a child of the publish span
 * its headers carry, so one request's trace goes on through every consumer it caused (a link
 * would start a new trace per hop). Its logs carry the trace id. The span ends as `work` does:
 * at once when it returns no promise (a synchronous handler's message then costs no promise
 * either), else when its promise settles. Tracing off: `work` alone.
 */
export function inProcessSpan<T>(
  topic: string,
  headers: HeaderValues | undefined,
  attributes: Readonly<Record<string, string | number>>,
  work: () => T | Promise<T>,
): T | Promise<T> {
  const tracer = activeTracer();
  if (tracer === undefined) return work();
  const parentContext = headers === undefined ? context.active() : messageParentContext(headers);
  if (notSampled(parentContext)) return context.with(parentContext, work);
  // Added to the fresh object rather than spread into another: V8 copies an object of dotted
  // keys by spread some ten times slower, about 3 µs, which was a fifth of a sampled message's cost.
  const span = tracer.startSpan(
    `${topic} process`,
    { kind: SpanKind.CONSUMER, attributes: Object.assign(messagingAttributes(topic), attributes) },
    parentContext,
  );
  return context.with(trace.setSpan(parentContext, span), endingWith<T>, undefined, span, work);
}

/** Runs `work`, then ends `span` with its outcome, once its promise settles if it returns one. */
function endingWith<T>(span: Span, work: () => T | Promise<T>): T | Promise<T> {
  let result: T | Promise<T>;
  try {
    result = work();
  } catch (error) {
    endSpan(span, error);
    throw error;
  }
  if (!(result instanceof Promise)) {
    endSpan(span);
    return result;
  }
  return result.then(
    (value) => {
      endSpan(span);
      return value;
    },
    (error: unknown) => {
      endSpan(span, error);
      throw error;
    },
  );
}

/**
 * Runs `work` in the trace a message with `headers` carries, with no span of its own: what runs
 * between a sampled message's attempts (its retries, its dead letter) then logs that trace's ids,
 * while each attempt still makes its own process span. Tracing off: `work` alone.
 */
export function inMessageTrace<T>(headers: HeaderValues | undefined, work: () => T): T {
  if (activeTracer() === undefined || headers === undefined) return work();
  return context.with(messageParentContext(headers), work);
}

/**
 * The context of the publish span a message's `headers` name, under the active one: our
 * producers' lone version-00 `traceparent` read directly, anything else by the propagator.
 */
function messageParentContext(headers: HeaderValues): Context {
  const parent = remoteSpanContextIn(headers);
  return parent === undefined
    ? contextFromHeaders(headers)
    : trace.setSpanContext(context.active(), parent);
}

/**
 * Runs `work` on several messages of `topic` at once (a projector's batch) inside one process
 * span per message, each a child of its own message's publish span: each request's trace shows
 * the batch that handled it. `work` runs with no one message's span active, as it runs outside
 * any one event's correlation; it is given each span's trace context (in the messages' order),
 * for what it hands on per message (a projector's change report). Tracing off: `work` alone,
 * given none.
 */
export async function inBatchProcessSpans<T>(
  topic: string,
  messages: readonly { readonly headers?: HeaderValues }[],
  work: (traceContexts: readonly (TraceCarrier | undefined)[]) => Promise<T>,
): Promise<T> {
  const tracer = activeTracer();
  if (tracer === undefined) return work([]);
  // One pass, and at 10% sampling most batches start no span at all: no span list, no
  // attributes.
  const traceContexts: (TraceCarrier | undefined)[] = [];
  let spans: Span[] | undefined;
  let attributes: Record<string, string | number> | undefined;
  for (const { headers } of messages) {
    // A message left out of the sample hands its own traceparent on, read from its flags alone.
    const leftOut = unsampledTraceOf(headers);
    if (leftOut !== undefined) {
      traceContexts.push({ traceparent: leftOut });
      continue;
    }
    const parent = headers === undefined ? context.active() : messageParentContext(headers);
    if (notSampled(parent)) {
      traceContexts.push(traceCarrierOf(parent));
      continue;
    }
    attributes ??= Object.assign(messagingAttributes(topic), {
      'messaging.batch.message_count': messages.length,
    });
    const span = tracer.startSpan(
      `${topic} process`,
      { kind: SpanKind.CONSUMER, attributes },
      parent,
    );
    (spans ??= []).push(span);
    traceContexts.push(traceCarrierOfSpan(span));
  }
  return spans === undefined ? work(traceContexts) : settleAll(spans, () => work(traceContexts));
}

/**
 * The W3C headers of `span`, one of ours (its ids valid, as the SDK makes them), as the
 * propagator writes them, without first building a context to hold it and checking its ids
 * there, per sampled message of a batch.
 */
function traceCarrierOfSpan(span: Span): TraceCarrier {
  const { traceId, spanId, traceFlags, traceState } = span.spanContext();
  const traceparent = withTraceparentFlags(`00-${traceId}-${spanId}-00`, traceFlags);
  return traceState === undefined
    ? { traceparent }
    : { traceparent, tracestate: traceState.serialize() };
}

/** Awaits `work`, then ends every one of `spans` with its outcome. */
async function settleAll<T>(spans: readonly Span[], work: () => Promise<T>): Promise<T> {
  try {
    const result = await work();
    for (const span of spans) endSpan(span);
    return result;
  } catch (error) {
    for (const span of spans) endSpan(span, error);
    throw error;
  }
}

/**
 * Whether `parent` holds a trace its sampler left out. Its spans would record nothing, yet making
 * one costs a span object, a sampler call and a context switch per message, which at 10% sampling
 * was most of what tracing cost the event runner (`bench:observability`). So no span is made:
 * the message's trace context goes on as it came (W3C lets a participant that records nothing
 * forward `traceparent` unchanged), and everything it causes stays out of the sample too.
 */
function notSampled(parent: Context): boolean {
  const spanContext = trace.getSpanContext(parent);
  // The flags first: a sampled parent's ids then need no check (two regular expressions) here.
  return (
    spanContext !== undefined &&
    (spanContext.traceFlags & TraceFlags.SAMPLED) === 0 &&
    trace.isSpanContextValid(spanContext)
  );
}

function noSpanToEnd(): void {}

/** The version-00 traceparent of the ids of a trace left out, its sampled flag off. */
function unsampledTraceparentOf({ traceId, spanId }: SpanContext): string {
  return `00-${traceId}-${spanId}-00`;
}

function messagingAttributes(topic: string): Record<string, string> {
  return {
    'messaging.system': 'kafka',
    'messaging.destination.name': topic,
    'messaging.operation.type': 'process',
  };
}

/** Awaits `work`, then ends `span` with its outcome. */
export async function settle<T>(span: Span, work: () => Promise<T>): Promise<T> {
  try {
    const result = await work();
    endSpan(span);
    return result;
  } catch (error) {
    endSpan(span, error);
    throw error;
  }
}

function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    span.recordException(error instanceof Error ? error : errorMessage(error));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}
