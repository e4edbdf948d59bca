import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
} from '@opentelemetry/api';
import { errorMessage } from '../errors.ts';
import {
  contextFromHeaders,
  traceCarrierOf,
  type HeaderValues,
  type TraceCarrier,
} from '../traceContext.ts';
import { activeTracer } from './startTracing.ts';

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
  const parentContext = parent === undefined ? context.active() : contextFromHeaders({ ...parent });
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
 * Runs `work` inside the span of processing one message of `topic`: a child of the publish span
 * its headers carry, so one request's trace goes on through every consumer it caused (a link
 * would start a new trace per hop). Its logs carry the trace id. Tracing off: `work` alone.
 */
export function inProcessSpan<T>(
  topic: string,
  headers: HeaderValues | undefined,
  attributes: Readonly<Record<string, string | number>>,
  work: () => Promise<T>,
): Promise<T> {
  const tracer = activeTracer();
  if (tracer === undefined) return work();
  const parentContext = headers === undefined ? context.active() : contextFromHeaders(headers);
  return tracer.startActiveSpan(
    `${topic} process`,
    { kind: SpanKind.CONSUMER, attributes: { ...messagingAttributes(topic), ...attributes } },
    parentContext,
    (span) => settle(span, work),
  );
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
  const attributes = {
    ...messagingAttributes(topic),
    'messaging.batch.message_count': messages.length,
  };
  const spans = messages.map(({ headers }) =>
    tracer.startSpan(
      `${topic} process`,
      { kind: SpanKind.CONSUMER, attributes },
      headers === undefined ? context.active() : contextFromHeaders(headers),
    ),
  );
  try {
    const result = await work(
      spans.map((span) => traceCarrierOf(trace.setSpan(context.active(), span))),
    );
    for (const span of spans) endSpan(span);
    return result;
  } catch (error) {
    for (const span of spans) endSpan(span, error);
    throw error;
  }
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
