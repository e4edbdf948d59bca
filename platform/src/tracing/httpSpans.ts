import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  context,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { contextFromHeaders } from '../traceContext.ts';
import { activeTracer, newTraceLeftOut } from './startTracing.ts';

const requestContexts = new WeakMap<IncomingMessage, Context>();

/**
 * Runs `next` (the rest of the request's handling) inside the server span of `request`: a child
 * of the caller's `traceparent` when it sent one, else a new trace; it ends when the answer has
 * gone (or the connection closed), with the status code. Tracing off: `next` alone.
 *
 * A request the sampler leaves out (at 10%, nine in ten) gets the sampler's non-recording span:
 * no attributes, no listener, nothing to end or export, only its ids in the active context. So
 * the subgraph fetches and messages it causes carry the same trace id with the sampled flag off,
 * and a parent-based sampler downstream leaves them out too; without a `traceparent` a
 * downstream ratio sampler would draw again and keep a tenth of them as orphan traces, whose
 * spans cost what the gateway just saved and show no caller.
 */
export function traceRequest(
  request: IncomingMessage & { readonly originalUrl?: string },
  response: ServerResponse,
  next: () => void,
): void {
  const tracer = activeTracer();
  if (tracer === undefined) return next();
  const parentContext = contextFromHeaders(request.headers);
  if (trace.getSpan(parentContext) === undefined) {
    // A new trace, drawn as the sampler would: one left out needs no SDK span, name or
    // attributes, only its ids as the active span, for what the request calls to carry on.
    const leftOut = newTraceLeftOut();
    if (leftOut !== undefined) {
      const spanContext = trace.setSpan(parentContext, trace.wrapSpanContext(leftOut));
      requestContexts.set(request, spanContext);
      return context.with(spanContext, next);
    }
  }
  // Under a mount (`app.use('/graphql', ...)`) express leaves only the rest in `url`.
  const path = (request.originalUrl ?? request.url ?? '/').split('?', 1)[0] ?? '/';
  const method = request.method ?? 'GET';
  // The sampler is asked even when the caller's flags say "not sampled": whether that decides
  // it is the configured sampler's choice (parent-based ones follow it, `always_on` does not).
  const span = tracer.startSpan(
    `${method} ${path}`,
    {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': method, 'url.path': path },
    },
    parentContext,
  );
  const spanContext = trace.setSpan(context.active(), span);
  requestContexts.set(request, spanContext);
  if (span.isRecording()) endWithResponse(span, response);
  context.with(spanContext, next);
}

/** Ends `span` once `response` has gone (or its connection closed), with the status code. */
function endWithResponse(span: Span, response: ServerResponse): void {
  response.once('close', () => {
    span.setAttribute('http.response.status_code', response.statusCode);
    if (response.statusCode >= 500 || !response.writableFinished) {
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  });
}

/**
 * Runs `next` inside the span `traceRequest` began for `request` again: a body parser hands the
 * request on from its stream's callbacks, which run outside it. Tracing off: `next` alone.
 */
export function resumeRequestTrace(request: IncomingMessage, next: () => void): void {
  const spanContext = requestContexts.get(request);
  if (spanContext === undefined) return next();
  context.with(spanContext, next);
}
