import { afterEach, describe, expect, it } from '@jest/globals';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { activeTraceCarrier, contextFromHeaders } from '@cashtrack/platform';
import { activeTracer, startTracing, type Tracing } from '@cashtrack/platform/tracing';

/**
 * Under parent-based sampling a library's span begun inside an unsampled request (Apollo
 * Gateway's half a dozen per request) is the request's own non-recording span: nothing recorded,
 * and what goes downstream is the same trace, unsampled. Other samplers see every span.
 */

const callerTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const callerSpanId = '00f067aa0ba902b7';
/** A tracer as a library gets it, from the global API. */
const libraryTracer = () => trace.getTracer('some-library');

let tracing: Tracing | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

function start(env: Record<string, string>): InMemorySpanExporter {
  const exporter = new InMemorySpanExporter();
  tracing = startTracing('unsampled-children-test', { env, exporter });
  return exporter;
}

describe('spans under an unsampled parent', () => {
  it('are the parent itself under parent-based sampling: no new span, the trace goes on unsampled', async () => {
    const exporter = start({
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0',
    });
    // A new trace the ratio left out, as traceRequest begins one.
    const request = activeTracer()?.startSpan('request');
    if (request === undefined) throw new Error('tracing is off');
    const carrier = context.with(trace.setSpan(context.active(), request), () =>
      libraryTracer().startActiveSpan('fetch', (fetch) => {
        const child = libraryTracer().startSpan('post-processing');
        child.end();
        fetch.end();
        return activeTraceCarrier();
      }),
    );
    await tracing?.flush();
    expect(exporter.getFinishedSpans()).toEqual([]);
    const { traceId, spanId } = request.spanContext();
    expect(carrier?.traceparent).toBe(`00-${traceId}-${spanId}-00`);
  });

  it('are spans of their own under a sampled parent', async () => {
    const exporter = start({ OTEL_TRACES_SAMPLER: 'parentbased_always_on' });
    activeTracer()?.startActiveSpan('request', (request) => {
      libraryTracer().startActiveSpan('fetch', (fetch) => fetch.end());
      request.end();
    });
    await tracing?.flush();
    const [fetch, request] = exporter.getFinishedSpans();
    expect(fetch?.name).toBe('fetch');
    expect(fetch?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
  });

  it('are sampled anew by a sampler that does not follow the parent', async () => {
    const exporter = start({ OTEL_TRACES_SAMPLER: 'always_on' });
    const remote = contextFromHeaders({ traceparent: `00-${callerTraceId}-${callerSpanId}-00` });
    libraryTracer().startSpan('fetch', {}, remote).end();
    await tracing?.flush();
    const [fetch, ...others] = exporter.getFinishedSpans();
    expect(others).toEqual([]);
    expect(fetch?.spanContext().traceId).toBe(callerTraceId);
    expect(fetch?.parentSpanContext?.spanId).toBe(callerSpanId);
  });
});
