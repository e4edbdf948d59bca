import { text, type Setting } from '../config/setting.ts';

/** The protocols the OTLP exporter speaks here: protobuf (the OTLP default) or JSON over HTTP. */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

/** The samplers OpenTelemetry's `OTEL_TRACES_SAMPLER` names. */
export const samplerNames = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type SamplerName = (typeof samplerNames)[number];

function otlpProtocol(value: string): OtlpProtocol {
  if (value === 'http/protobuf' || value === 'http/json') return value;
  throw new Error('must be http/protobuf or http/json');
}

function samplerName(value: string): SamplerName {
  const known = samplerNames.find((name) => name === value);
  if (known === undefined) throw new Error(`must be one of ${samplerNames.join(', ')}`);
  return known;
}

function ratio(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1) {
    throw new Error('must be a number from 0 to 1');
  }
  return parsed;
}

/** OpenTelemetry's standard variables, read the same way by every process. */
export const tracingSettings = {
  otlpEndpoint: {
    variable: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    parse: text,
    fallback: '',
    doc:
      'the OTLP/HTTP collector, e.g. http://otel-collector:4318 (spans go to its /v1/traces); ' +
      'unset, tracing is off and costs nothing',
  } satisfies Setting<string>,
  otlpProtocol: {
    variable: 'OTEL_EXPORTER_OTLP_PROTOCOL',
    parse: otlpProtocol,
    fallback: 'http/protobuf',
    doc: '`http/protobuf` or `http/json`',
  } satisfies Setting<OtlpProtocol>,
  sampler: {
    variable: 'OTEL_TRACES_SAMPLER',
    parse: samplerName,
    fallback: 'parentbased_always_on',
    doc: 'which traces are kept; `parentbased_*` follows the caller, so a trace is kept whole',
  } satisfies Setting<SamplerName>,
  samplerRatio: {
    variable: 'OTEL_TRACES_SAMPLER_ARG',
    parse: ratio,
    fallback: 1,
    doc: 'the share of new traces kept by the `*traceidratio` samplers, 0 to 1',
  } satisfies Setting<number>,
};
