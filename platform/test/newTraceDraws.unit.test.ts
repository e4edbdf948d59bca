import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  SamplingDecision,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import {
  activeTracer,
  startPublishSpan,
  startTracing,
  unsampledTraceOf,
  type Tracing,
} from '../src/tracing/index.ts';
import { newTraceLeftOut } from '../src/tracing/startTracing.ts';

/**
 * A new trace begun on our own paths (a publish or a message with no trace) is decided once, as
 * the configured sampler judges its trace id: kept exactly when that sampler keeps the id, not
 * drawn at random first and then judged again by the SDK (which kept ratio² of new traces).
 */

const ratio = 0.5;
const sampler = new TraceIdRatioBasedSampler(ratio);
const exporter = new InMemorySpanExporter();
let tracing: Tracing;

beforeAll(() => {
  tracing = startTracing('new-trace-draws-test', {
    exporter,
    env: {
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: String(ratio),
    },
  });
});

afterAll(async () => {
  await tracing.shutdown();
});

function samplerKeeps(traceId: string): boolean {
  const { decision } = sampler.shouldSample(ROOT_CONTEXT, traceId);
  return decision === SamplingDecision.RECORD_AND_SAMPLED;
}

function traceparentParts(traceparent: string | undefined): { traceId: string; flags: string } {
  const [, traceId = '', , flags = ''] = traceparent?.split('-') ?? [];
  return { traceId, flags };
}

describe('new traces on our own paths', () => {
  it('samples a publish that starts a trace exactly when the sampler keeps its trace id', async () => {
    exporter.reset();
    const traceparents = Array.from({ length: 200 }, () => {
      const publish = startPublishSpan('test.cashtrack.expenses', undefined);
      publish?.end();
      return publish?.headers.traceparent;
    });
    const judged = traceparents.map((traceparent) => {
      const { traceId, flags } = traceparentParts(traceparent);
      return { sampled: flags === '01', keptBySampler: samplerKeeps(traceId) };
    });
    expect(judged.filter(({ sampled, keptBySampler }) => sampled !== keptBySampler)).toEqual([]);
    const sampled = judged.filter(({ sampled: isSampled }) => isSampled).length;
    // Both outcomes occur (each has probability 1/2 per publish).
    expect(sampled).toBeGreaterThan(0);
    expect(sampled).toBeLessThan(traceparents.length);
    await tracing.flush();
    expect(exporter.getFinishedSpans()).toHaveLength(sampled);
  });

  it('leaves a message with no trace out exactly when the sampler would leave its new trace out', () => {
    for (let draw = 0; draw < 100; draw += 1) {
      const leftOut = unsampledTraceOf({});
      if (leftOut === undefined) {
        // Kept: the span its handling starts at once is the new trace, and sampled.
        const span = activeTracer()?.startSpan('test.cashtrack.expenses process');
        expect(span?.isRecording()).toBe(true);
        expect(samplerKeeps(span?.spanContext().traceId ?? '')).toBe(true);
        span?.end();
      } else {
        const { traceId, flags } = traceparentParts(leftOut);
        expect({ flags, keptBySampler: samplerKeeps(traceId) }).toEqual({
          flags: '00',
          keptBySampler: false,
        });
      }
    }
  });

  it("hands a kept trace's id to no span but the one started in the same task", async () => {
    const firstLater: boolean[] = [];
    for (let round = 0; round < 30; round += 1) {
      while (newTraceLeftOut() !== undefined);
      await Promise.resolve();
      const span = activeTracer()?.startSpan('later');
      firstLater.push(span?.isRecording() ?? false);
      span?.end();
    }
    // Judged on ids of their own, half the later spans are left out; had they taken the kept
    // id, every one would be sampled.
    expect(firstLater).toContain(false);
  });
});
