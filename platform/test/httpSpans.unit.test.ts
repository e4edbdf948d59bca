import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { activeTraceCarrier, type TraceCarrier } from '@cashtrack/platform';
import { startTracing, traceRequest, type Tracing } from '@cashtrack/platform/tracing';

/**
 * The server span of an HTTP request (traceRequest): recorded when sampled, and when not, no
 * span at all, yet the request's work runs in the same trace with the sampled flag off, so what
 * it calls downstream leaves the trace out too.
 */

const callerTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const callerSpanId = '00f067aa0ba902b7';

let tracing: Tracing | undefined;
let server: Server | undefined;

afterEach(async () => {
  await new Promise((resolve) =>
    server === undefined ? resolve(undefined) : server.close(resolve),
  );
  await tracing?.shutdown();
  server = undefined;
  tracing = undefined;
});

/** Starts tracing with `env`, serves one request sending `headers`, and says what its work saw. */
async function serveOne(
  env: Record<string, string>,
  headers: Record<string, string>,
): Promise<{ carrier: TraceCarrier | undefined; exporter: InMemorySpanExporter }> {
  const exporter = new InMemorySpanExporter();
  tracing = startTracing('http-spans-test', { env, exporter });
  let carrier: TraceCarrier | undefined;
  server = createServer((request, response) =>
    traceRequest(request, response, () => {
      carrier = activeTraceCarrier();
      response.end('ok');
    }),
  );
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const answer = await fetch(`http://127.0.0.1:${port}/graphql?x=1`, { method: 'POST', headers });
  await answer.text();
  await tracing.flush();
  return { carrier, exporter };
}

describe('traceRequest', () => {
  it("records a sampled request's server span, a child of the caller's, with its status code", async () => {
    const { carrier, exporter } = await serveOne(
      { OTEL_TRACES_SAMPLER: 'parentbased_always_on' },
      { traceparent: `00-${callerTraceId}-${callerSpanId}-01` },
    );
    const [span, ...others] = exporter.getFinishedSpans();
    expect(others).toEqual([]);
    expect(span?.name).toBe('POST /graphql');
    expect(span?.spanContext().traceId).toBe(callerTraceId);
    expect(span?.parentSpanContext?.spanId).toBe(callerSpanId);
    expect(span?.attributes).toMatchObject({
      'http.request.method': 'POST',
      'url.path': '/graphql',
      'http.response.status_code': 200,
    });
    expect(carrier?.traceparent).toBe(`00-${callerTraceId}-${span?.spanContext().spanId}-01`);
  });

  it("records nothing for a caller's trace left out of the sample, and passes its trace id on unsampled", async () => {
    const { carrier, exporter } = await serveOne(
      { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '1' },
      { traceparent: `00-${callerTraceId}-${callerSpanId}-00` },
    );
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(carrier?.traceparent).toMatch(new RegExp(`^00-${callerTraceId}-[0-9a-f]{16}-00$`));
  });

  it('records nothing for a new trace the ratio leaves out, and passes a fresh trace id on unsampled', async () => {
    const { carrier, exporter } = await serveOne(
      { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' },
      {},
    );
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(carrier?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    expect(carrier?.traceparent).not.toContain('00000000000000000000000000000000');
  });
});
