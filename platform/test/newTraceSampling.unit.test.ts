import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  inBatchProcessSpans,
  startPublishSpan,
  startTracing,
  unsampledTraceOf,
  type Tracing,
} from '../src/tracing/index.ts';
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

describe('a message with no trace, consumed under a sampler that keeps none', () => {
  it('is handled in a new trace out of the sample, which it hands on, with no span', async () => {
    exporter.reset();
    const continued = unsampledTraceOf({ correlationId: 'corr-1' });
    expect(unsampledTraceparentIn({ traceparent: continued })).toBe(continued);
    const handedOn = await inBatchProcessSpans('test.cashtrack.expenses', [{}], async (carriers) =>
      carriers.map((carrier) => unsampledTraceparentIn({ traceparent: carrier?.traceparent })),
    );
    expect(handedOn).toHaveLength(1);
    expect(handedOn[0]).toBeDefined();
    await tracing.flush();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('leaves a message that carries a sampled trace to be traced', () => {
    const sampled = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    expect(unsampledTraceOf({ traceparent: sampled })).toBeUndefined();
  });
});
