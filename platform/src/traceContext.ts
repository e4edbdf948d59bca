import {
  context,
  propagation,
  trace,
  TraceFlags,
  type Context,
  type SpanContext,
  type TextMapGetter,
} from '@opentelemetry/api';
import { currentUnsampledTraceparent } from './correlation.ts';

// The active trace as the pure code sees it, through OpenTelemetry's API alone: until a process
// starts tracing ('@cashtrack/platform/tracing'), the API is a no-op and so is everything here.

/** W3C trace context as text, the way HTTP and Kafka headers and the outbox carry it. */
export interface TraceCarrier {
  readonly traceparent: string;
  readonly tracestate?: string;
}

/** The ids a log line carries beside the correlation id. */
export interface TraceIds {
  readonly traceId: string;
  readonly spanId: string;
}

/**
 * The active span's ids, or those of the unsampled trace the work in hand continues, or undefined
 * when there are neither (always so with tracing off).
 */
export function activeTraceIds(): TraceIds | undefined {
  const span = trace.getActiveSpan();
  if (span === undefined) {
    const unsampled = currentUnsampledTraceparent();
    if (unsampled === undefined) return undefined;
    return { traceId: unsampled.slice(3, 35), spanId: unsampled.slice(36, 52) };
  }
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}

/**
 * The active trace context as W3C headers, to be sent on with a message or an outbox entry, or
 * undefined when there is none (tracing off, or nothing traced here).
 */
export function activeTraceCarrier(): TraceCarrier | undefined {
  if (trace.getActiveSpan() === undefined) {
    const unsampled = currentUnsampledTraceparent();
    return unsampled === undefined ? undefined : { traceparent: unsampled };
  }
  return traceCarrierOf(context.active());
}

/** The trace context `traceContext` holds as W3C headers, or undefined when it holds none. */
export function traceCarrierOf(traceContext: Context): TraceCarrier | undefined {
  const carrier: { traceparent?: string; tracestate?: string } = {};
  propagation.inject(traceContext, carrier);
  if (carrier.traceparent === undefined) return undefined;
  return carrier.tracestate === undefined
    ? { traceparent: carrier.traceparent }
    : { traceparent: carrier.traceparent, tracestate: carrier.tracestate };
}

/**
 * The W3C trace context an object holds in `traceparent` (and `tracestate`) fields of text: a
 * stored record, a GraphQL result's `extensions`, a graphql-ws `connectionParams`, HTTP headers.
 * Undefined when it holds none.
 */
export function traceCarrierIn(holder: unknown): TraceCarrier | undefined {
  if (typeof holder !== 'object' || holder === null) return undefined;
  const { traceparent, tracestate } = holder as { traceparent?: unknown; tracestate?: unknown };
  if (typeof traceparent !== 'string') return undefined;
  return typeof tracestate === 'string' ? { traceparent, tracestate } : { traceparent };
}

/** Header values as HTTP (strings) and kafkajs (Buffers, maybe repeated) hand them over. */
export type HeaderValues = Readonly<
  Record<string, Buffer | string | readonly (Buffer | string)[] | undefined>
>;

const headerGetter: TextMapGetter<HeaderValues> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => {
    const value = headers[key];
    const first = Array.isArray(value) ? (value[0] as Buffer | string | undefined) : value;
    return first === undefined ? undefined : first.toString();
  },
};

/** The context `headers` carry (`traceparent`, `tracestate`) under the active one. */
export function contextFromHeaders(headers: HeaderValues): Context {
  return propagation.extract(context.active(), headers, headerGetter);
}

/**
 * The remote span context of a lone version-00 `traceparent` header (no `tracestate`), what our
 * producers send, read as W3C's propagator reads it: 32 and 16 lower-case hex digits, neither
 * all zeros. Undefined for anything else, which then goes to the propagator (and is judged, or
 * rejected, by it). The event runner reads each sampled message's parent through this: the
 * propagator's header getter, regular expression and look for `tracestate` cost about 2 µs.
 */
export function remoteSpanContextIn(headers: HeaderValues): SpanContext | undefined {
  if (headers.tracestate !== undefined) return undefined;
  const traceparent = version00TraceparentIn(headers);
  if (traceparent === undefined || !isVersion00(traceparent)) return undefined;
  const traceFlags = traceparentFlags(traceparent);
  if (traceFlags === undefined) return undefined;
  const traceId = traceparent.slice(3, 35);
  const spanId = traceparent.slice(36, 52);
  if (!isNonZeroHex(traceId) || !isNonZeroHex(spanId)) return undefined;
  return { traceId, spanId, traceFlags, isRemote: true };
}

/** True when every character of `text` is a lower-case hex digit and not all are zeros. */
function isNonZeroHex(text: string): boolean {
  let nonZero = false;
  for (let index = 0; index < text.length; index += 1) {
    const value = hexValue(text.charCodeAt(index));
    if (value < 0) return false;
    if (value > 0) nonZero = true;
  }
  return nonZero;
}

/**
 * `traceparent` as text when `headers` carry one whose trace its sampler left out: a version-00
 * header (`00-<32 hex trace id>-<16 hex span id>-<2 hex flags>`) without the sampled flag, the
 * lowest bit of its last hex digit. Only the form and the flags are read, not the ids: checking
 * 48 hex digits cost four times the rest (0.35 of 0.45 µs per message), and a header left out of
 * the sample is only ever forwarded as it came. Undefined otherwise (sampled, none, another
 * version or another form, which the propagator then judges).
 */
export function unsampledTraceparentIn(headers: HeaderValues | undefined): string | undefined {
  const traceparent = headers === undefined ? undefined : version00TraceparentIn(headers);
  return traceparent !== undefined && isUnsampledTraceparent(traceparent) ? traceparent : undefined;
}

/** The first `traceparent` of `headers` as text, when it has a version-00 header's length. */
function version00TraceparentIn(headers: HeaderValues): string | undefined {
  const value = headers.traceparent;
  const first = Array.isArray(value) ? (value[0] as Buffer | string | undefined) : value;
  if (first === undefined || first.length !== traceparentLength) return undefined;
  return typeof first === 'string' ? first : first.toString('latin1');
}

/** True when `traceparent` has the version-00 form and its flags lack the sampled bit. */
export function isUnsampledTraceparent(traceparent: string): boolean {
  if (!isVersion00(traceparent)) return false;
  const flags = traceparentFlags(traceparent);
  return flags !== undefined && (flags & TraceFlags.SAMPLED) === 0;
}

function isVersion00(traceparent: string): boolean {
  return traceparent.charCodeAt(0) === digitZero && traceparent.charCodeAt(1) === digitZero;
}

/**
 * The flags (0 to 255) of a `traceparent` of W3C's form, `<version>-<trace id>-<parent id>-<flags>`
 * in 2, 32, 16 and 2 lower-case hex digits (version 00 ends there; a later version may go on
 * after a `-`). Only the form and the flags are read, not the ids (see `unsampledTraceparentIn`):
 * whoever uses them, the propagator, judges them. Undefined for any other form.
 */
export function traceparentFlags(traceparent: string): number | undefined {
  const { length } = traceparent;
  if (length < traceparentLength) return undefined;
  const versionHigh = hexValue(traceparent.charCodeAt(0));
  const versionLow = hexValue(traceparent.charCodeAt(1));
  if (versionHigh < 0 || versionLow < 0) return undefined;
  const endsAfterFlags =
    length === traceparentLength || traceparent.charCodeAt(traceparentLength) === dash;
  if (versionHigh + versionLow === 0 ? length !== traceparentLength : !endsAfterFlags) {
    return undefined;
  }
  if (
    traceparent.charCodeAt(2) !== dash ||
    traceparent.charCodeAt(35) !== dash ||
    traceparent.charCodeAt(52) !== dash
  ) {
    return undefined;
  }
  const high = hexValue(traceparent.charCodeAt(flagsAt));
  const low = hexValue(traceparent.charCodeAt(flagsAt + 1));
  return high < 0 || low < 0 ? undefined : high * 16 + low;
}

/** `traceparent` (of the form `traceparentFlags` reads) with `flags` (0 to 255) instead of its own. */
export function withTraceparentFlags(traceparent: string, flags: number): string {
  const hex = flags.toString(16).padStart(2, '0');
  return `${traceparent.slice(0, flagsAt)}${hex}${traceparent.slice(flagsAt + 2)}`;
}

const traceparentLength = 55;
/** Where the two hex digits of the flags begin. */
const flagsAt = 53;
const digitZero = 0x30;
const dash = 0x2d;

/** The value of a lower-case hex digit, or -1. */
function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  return -1;
}
