import { context, SpanKind, type Context } from '@opentelemetry/api';
import { contextFromHeaders, type TraceCarrier } from '../traceContext.ts';
import { settle } from './messageSpans.ts';
import { activeTracer } from './startTracing.ts';

// Spans of GraphQL over a socket, named as OpenTelemetry's GraphQL conventions say
// (`<operation type> <operation name>`, `graphql.*`).

/**
 * Runs `work` (one operation sent over a graphql-ws socket: a query, a mutation, or setting up
 * a subscription) in a server span, a child of the trace the socket's client named (`parent`),
 * else a new trace; what the gateway does for it (plans, subgraph fetches) joins it. A
 * subscription's span ends once it is set up: its events are each delivered in their own
 * trace (`inSubscriptionDeliverySpan`). Tracing off: `work` alone.
 */
export function inSocketOperationSpan<T>(
  operationType: string,
  operationName: string | undefined,
  parent: TraceCarrier | undefined,
  work: () => Promise<T>,
): Promise<T> {
  const tracer = activeTracer();
  if (tracer === undefined) return work();
  const name = operationName === undefined ? operationType : `${operationType} ${operationName}`;
  const attributes = {
    'graphql.operation.type': operationType,
    ...(operationName === undefined ? {} : { 'graphql.operation.name': operationName }),
  };
  return tracer.startActiveSpan(
    name,
    { kind: SpanKind.SERVER, attributes },
    parentContext(parent),
    (span) => settle(span, work),
  );
}

/**
 * Runs `work` (turning one event of subscription `field` into its subscriber's result) in a
 * `<field> deliver` span, a child of the span the event's trace context names (the projector's
 * span for the event that made the change): one request's trace ends at each subscriber it
 * reached. Without a trace context the event is delivered untraced. Tracing off: `work` alone.
 */
export function inSubscriptionDeliverySpan<T>(
  field: string,
  parent: TraceCarrier | undefined,
  work: () => Promise<T>,
): Promise<T> {
  const tracer = activeTracer();
  if (tracer === undefined || parent === undefined) return work();
  return tracer.startActiveSpan(
    `${field} deliver`,
    {
      kind: SpanKind.CONSUMER,
      attributes: { 'graphql.operation.type': 'subscription', 'graphql.field.name': field },
    },
    parentContext(parent),
    (span) => settle(span, work),
  );
}

function parentContext(parent: TraceCarrier | undefined): Context {
  return parent === undefined ? context.active() : contextFromHeaders({ ...parent });
}
