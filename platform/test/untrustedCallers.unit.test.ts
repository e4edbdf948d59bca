import { afterEach, describe, expect, it } from '@jest/globals';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { startTracing, withSamplingOfOurs, type Tracing } from '@cashtrack/platform/tracing';

/**
 * A caller outside our services does not decide whether its request is traced: the gateway draws
 * that itself at the configured share, keeping the caller's trace and parent ids.
 */

const ids = '4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7';
let tracing: Tracing | undefined;

afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

function traceAtTenPercent(): void {
  tracing = startTracing('untrusted-callers-test', {
    env: { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' },
    exporter: new InMemorySpanExporter(),
  });
}

describe('withSamplingOfOurs', () => {
  it("clears a caller's sampled flag unless our draw falls within the share", () => {
    traceAtTenPercent();
    const sampledByCaller = { traceparent: `00-${ids}-01`, tracestate: 'vendor=x' };
    expect(withSamplingOfOurs(sampledByCaller, () => 0.5)).toEqual({
      traceparent: `00-${ids}-00`,
      tracestate: 'vendor=x',
    });
    expect(withSamplingOfOurs(sampledByCaller, () => 0.05)).toEqual(sampledByCaller);
  });

  it('samples a request its caller left out when our draw says so, and keeps other flag bits', () => {
    traceAtTenPercent();
    expect(withSamplingOfOurs({ traceparent: `00-${ids}-00` }, () => 0.01)).toEqual({
      traceparent: `00-${ids}-01`,
    });
    expect(withSamplingOfOurs({ traceparent: `00-${ids}-03` }, () => 0.9)).toEqual({
      traceparent: `00-${ids}-02`,
    });
  });

  it('leaves what is not a traceparent, no context, and everything with tracing off as it came', () => {
    traceAtTenPercent();
    expect(withSamplingOfOurs({ traceparent: 'not-a-traceparent' }, () => 0)).toEqual({
      traceparent: 'not-a-traceparent',
    });
    expect(withSamplingOfOurs(undefined)).toBeUndefined();
  });

  it('changes nothing while tracing is off', () => {
    expect(withSamplingOfOurs({ traceparent: `00-${ids}-01` }, () => 0.99)).toEqual({
      traceparent: `00-${ids}-01`,
    });
  });
});
