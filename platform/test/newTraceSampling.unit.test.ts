import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { startPublishSpan, startTracing, type Tracing } from '../src/tracing/index.ts';
import { unsampledTraceparentIn } from '../src/traceContext.ts';

/**
 * A publish that starts a new trace, under a sampler that keeps none: no span, yet a traceparent
 * with the sampled flag off, so every consumer of the message leaves its trace out too rather
 * than start one of its own.
 */

const exporter = new InMemorySpanExporter();
let tracing: Tracing;

beforeAll(() => {
  tracing = startTracing('new-trace-sampling-test', {
    exporter,
    env: { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' },
  });
});

afterAll(async () => {
  await tracing.shutdown();
});

describe('a publish that starts a trace the sampler leaves out', () => {
  it('makes no span and sends a traceparent out of the sample, a new trace each time', async () => {
    const first = startPublishSpan('test.cashtrack.expenses', undefined);
    const second = startPublishSpan('test.cashtrack.expenses', undefined);
    first?.end();
    second?.end();
    const traceparents = [first?.headers.traceparent, second?.headers.traceparent];
    expect(traceparents.map((traceparent) => unsampledTraceparentIn({ traceparent }))).toEqual(
      traceparents,
    );
    expect(new Set(traceparents.map((traceparent) => traceparent?.split('-')[1])).size).toBe(2);
    await tracing.flush();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
