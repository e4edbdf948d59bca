import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import { contextFromHeaders } from '../traceContext.ts';
import { activeTracer } from './startTracing.ts';

const requestContexts = new WeakMap<IncomingMessage, Context>();

/**
 * Runs `next` (the rest of the request's handling) inside the server span of `request`: a child
 * of the caller's `traceparent` when it sent one, else a new trace; it ends when the answer has
 * gone (or the connection closed), with the status code. Tracing off: `next` alone.
 */
export function traceRequest(
  request: IncomingMessage & { readonly originalUrl?: string },
  response: ServerResponse,
  next: () => void,
): void {
  const tracer = activeTracer();
  if (tracer === undefined) return next();
  // Under a mount (`app.use('/graphql', ...)`) express leaves only the rest in `url`.
  const path = (request.originalUrl ?? request.url ?? '/').split('?', 1)[0] ?? '/';
  const method = request.method ?? 'GET';
  const span = tracer.startSpan(
    `${method} ${path}`,
    {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': method, 'url.path': path },
    },
    contextFromHeaders(request.headers),
  );
  const spanContext = trace.setSpan(context.active(), span);
  requestContexts.set(request, spanContext);
  response.once('close', () => {
    span.setAttribute('http.response.status_code', response.statusCode);
    if (response.statusCode >= 500 || !response.writableFinished) {
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  });
  context.with(spanContext, next);
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
