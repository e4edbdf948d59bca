import { context, propagation, trace, type SpanContext, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { readSettings, type Environment } from '../config/setting.ts';
import { CorrelationContextManager } from './correlationContextManager.ts';
import { NewTraceDraws } from './newTraceDraws.ts';
import { newTraceSamplerFor, newTraceShareOf, samplerFor } from './sampler.ts';
import { tracingSettings } from './tracingSettings.ts';
import { skippingUnsampledChildren } from './unsampledChildren.ts';

/** The tracer our own spans come from while tracing is on; undefined while it is off. */
let ourTracer: Tracer | undefined;

/**
 * Our tracer, or undefined when tracing is off: callers on a hot path ask this once and skip all
 * span work, so tracing off costs one comparison, not a no-op span per request or event.
 */
export function activeTracer(): Tracer | undefined {
  return ourTracer;
}

/** The share of new traces the sampler keeps while tracing is on (sampler.ts). */
let newTraceShare = 1;

export function newTraceSampleShare(): number {
  return newTraceShare;
}

/** Draws new traces as the sampler judges them while tracing is on (newTraceDraws.ts). */
let newTraceDraws: NewTraceDraws | undefined;

/**
 * The ids of a new trace when the sampler leaves it out, so the caller makes no span; undefined
 * when it keeps it (the root span the caller then starts, at once, is that trace) or tracing is
 * off.
 */
export function newTraceLeftOut(): SpanContext | undefined {
  return newTraceDraws?.leftOut();
}

export interface Tracing {
  /** Exports the spans queued so far (tests read them at once). */
  flush(): Promise<void>;
  /** Exports the spans still queued, then turns tracing off. */
  shutdown(): Promise<void>;
}

export interface StartTracingOptions {
  readonly env?: Environment;
  /** Where spans go instead of OTLP (tests): tracing is on even without an endpoint. */
  readonly exporter?: SpanExporter;
}

/**
 * Turns tracing on for this process when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (or a test passes
 * an exporter): a Node tracer provider (its context kept with the correlation's) that samples as
 * `OTEL_TRACES_SAMPLER` says, batches spans to the OTLP/HTTP endpoint, and propagates W3C trace
 * context. Otherwise it registers nothing: OpenTelemetry's API stays a no-op. Called once per
 * process, before anything it should trace starts (the service runtime and the gateway do).
 *
 * Spans are made by hand at our own seams (HTTP in, subgraph fetch out, outbox, Kafka publish and
 * consume), not by the auto-instrumentation packages: those patch modules through require hooks,
 * which ESM under tsx does not go through without a loader, and they trace every MongoDB command
 * and socket read, which is CPU the event runner and gateway goals (issue 18) cannot spare.
 */
export function startTracing(serviceName: string, options: StartTracingOptions = {}): Tracing {
  const config = readSettings(tracingSettings, options.env);
  const exporter = options.exporter ?? otlpExporter(config.otlpEndpoint, config.otlpProtocol);
  if (exporter === undefined) {
    return { flush: async () => undefined, shutdown: async () => undefined };
  }
  const draws = new NewTraceDraws(newTraceSamplerFor(config.sampler, config.samplerRatio));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    idGenerator: draws,
    sampler: samplerFor(config.sampler, config.samplerRatio),
    // The batch processor's defaults (OTEL_BSP_* still override them) are kept on measurement:
    // at 10% of ~50k events/s the queue reaches its 512-span export batch every ~100 ms, so no
    // span waits the 5 s delay into the old generation (an event runner at 10% ran as many major
    // GCs as with tracing off; it ran ~15% more scavenges, the spans' and their encoding's young
    // garbage), and a 200 ms delay, 64- or 2048-span batches moved its CPU per event by less
    // than the run-to-run spread.
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  // What `provider.register()` does, with the tracers behind skippingUnsampledChildren when the
  // sampler follows the parent (the only samplers under which that changes nothing exported).
  const followsParent = config.sampler.startsWith('parentbased_');
  trace.setGlobalTracerProvider(followsParent ? skippingUnsampledChildren(provider) : provider);
  context.setGlobalContextManager(new CorrelationContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  newTraceShare = newTraceShareOf(config.sampler, config.samplerRatio);
  newTraceDraws = draws;
  ourTracer = trace.getTracer('cashtrack');
  return {
    flush: () => provider.forceFlush(),
    async shutdown() {
      ourTracer = undefined;
      newTraceDraws = undefined;
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

function otlpExporter(endpoint: string, protocol: string): SpanExporter | undefined {
  if (endpoint === '') return undefined;
  // The base endpoint's signal path, as the OTLP specification has exporters build it.
  const url = `${endpoint.replace(/\/+$/, '')}/v1/traces`;
  return protocol === 'http/json'
    ? new OtlpJsonExporter({ url })
    : new OtlpProtobufExporter({ url });
}
