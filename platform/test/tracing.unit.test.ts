import { describe, expect, it } from '@jest/globals';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { activeTraceCarrier, activeTraceIds, readSettings } from '@cashtrack/platform';
import { activeTracer, startTracing, tracingSettings } from '@cashtrack/platform/tracing';

describe('tracing settings', () => {
  it('is off without OTEL_EXPORTER_OTLP_ENDPOINT: nothing registered, no active trace', async () => {
    const tracing = startTracing('off-test', { env: {} });
    expect(activeTracer()).toBeUndefined();
    expect(activeTraceCarrier()).toBeUndefined();
    expect(activeTraceIds()).toBeUndefined();
    await tracing.shutdown();
  });

  it("reads OpenTelemetry's standard variables, parent-based and whole by default", () => {
    expect(readSettings(tracingSettings, {})).toEqual({
      otlpEndpoint: '',
      otlpProtocol: 'http/protobuf',
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
    });
    expect(
      readSettings(tracingSettings, {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.1',
      }),
    ).toMatchObject({ sampler: 'parentbased_traceidratio', samplerRatio: 0.1 });
  });

  it('refuses a sampler or ratio it does not know in one line, naming the variable', () => {
    expect(() => startTracing('bad', { env: { OTEL_TRACES_SAMPLER: 'sometimes' } })).toThrow(
      /OTEL_TRACES_SAMPLER must be one of always_on, .*, got "sometimes"/,
    );
    expect(() => readSettings(tracingSettings, { OTEL_TRACES_SAMPLER_ARG: '10%' })).toThrow(
      /OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1/,
    );
    expect(() => readSettings(tracingSettings, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL must be http\/protobuf or http\/json/,
    );
  });

  it('keeps no trace at all with the always_off sampler, yet passes the context on', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing('always-off-test', {
      env: { OTEL_TRACES_SAMPLER: 'always_off' },
      exporter,
    });
    const tracer = activeTracer();
    const carrier = tracer?.startActiveSpan('unsampled', (span) => {
      span.end();
      return activeTraceCarrier();
    });
    await tracing.flush();
    expect(exporter.getFinishedSpans()).toEqual([]);
    // Flags 00: whoever receives it keeps the decision (parent-based sampling).
    expect(carrier?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    await tracing.shutdown();
    expect(activeTracer()).toBeUndefined();
  });
});
