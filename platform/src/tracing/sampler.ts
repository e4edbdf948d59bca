import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import type { SamplerName } from './tracingSettings.ts';

/** The sampler `OTEL_TRACES_SAMPLER` names, with `OTEL_TRACES_SAMPLER_ARG` as its ratio. */
export function samplerFor(name: SamplerName, ratio: number): Sampler {
  const newTraceSampler = newTraceSamplerFor(name, ratio);
  return name.startsWith('parentbased_')
    ? new ParentBasedSampler({ root: newTraceSampler })
    : newTraceSampler;
}

/** The sampler `name` asks about a new trace (one with no parent span). */
export function newTraceSamplerFor(name: SamplerName, ratio: number): Sampler {
  switch (name) {
    case 'always_on':
    case 'parentbased_always_on':
      return new AlwaysOnSampler();
    case 'always_off':
    case 'parentbased_always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
    case 'parentbased_traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
  }
}

/**
 * The share of new traces (those with no parent) that sampler keeps, 0 to 1: the share at which
 * the gateway draws whether a caller's trace is sampled (untrustedCallers.ts).
 */
export function newTraceShareOf(name: SamplerName, ratio: number): number {
  switch (name) {
    case 'always_on':
    case 'parentbased_always_on':
      return 1;
    case 'always_off':
    case 'parentbased_always_off':
      return 0;
    case 'traceidratio':
    case 'parentbased_traceidratio':
      return ratio;
  }
}
