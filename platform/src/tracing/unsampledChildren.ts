import {
  context,
  trace,
  TraceFlags,
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';

/**
 * The tracers of `provider` (ours and every library's, Apollo Gateway's among them), except that
 * a span begun under a parent that is neither sampled nor recording is that parent itself: no new
 * id, no attributes, no sampler, no context of its own. Only for parent-based sampling, where a
 * child of an unsampled parent is never sampled, so nothing is lost but the child's own span id,
 * which no exported span names; what it propagates is the same trace id, still unsampled.
 *
 * At 10% sampling nine requests in ten are unsampled, and Apollo Gateway alone begins half a
 * dozen spans per request (request, validate, plan, execute, one per fetch, post-processing):
 * without this each costs the SDK's full start of a span only to be dropped.
 */
export function skippingUnsampledChildren(provider: TracerProvider): TracerProvider {
  return {
    getTracer: (name, version, options) =>
      new SkippingUnsampledChildren(provider.getTracer(name, version, options)),
  };
}

/** `parentContext`'s span when a child of it would be neither sampled nor recorded. */
function unsampledParent(options: SpanOptions | undefined, parentContext: Context) {
  if (options?.root === true) return undefined;
  const parent = trace.getSpan(parentContext);
  if (parent === undefined || parent.isRecording()) return undefined;
  const spanContext = parent.spanContext();
  const sampled = (spanContext.traceFlags & TraceFlags.SAMPLED) !== 0;
  return sampled || !trace.isSpanContextValid(spanContext) ? undefined : parent;
}

class SkippingUnsampledChildren implements Tracer {
  constructor(private readonly tracer: Tracer) {}

  startSpan(name: string, options?: SpanOptions, parentContext: Context = context.active()): Span {
    return (
      unsampledParent(options, parentContext) ?? this.tracer.startSpan(name, options, parentContext)
    );
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    parentContext: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    ...rest: [F] | [SpanOptions, F] | [SpanOptions, Context, F]
  ): ReturnType<F> {
    const [options, parentContext, fn] =
      rest.length === 1
        ? [{}, context.active(), rest[0]]
        : rest.length === 2
          ? [rest[0], context.active(), rest[1]]
          : rest;
    const parent = unsampledParent(options, parentContext);
    if (parent === undefined) {
      return this.tracer.startActiveSpan(name, options, parentContext, fn);
    }
    // The parent is already the active span of `parentContext`: `fn` runs in it as it is, with
    // no switch of context at all when that is the active one (Apollo's case). No closure: under
    // tsx every closure made also names itself (esbuild's keepNames), which the profile showed.
    if (parentContext === context.active()) return fn(parent) as ReturnType<F>;
    const run = fn as (span: Span) => ReturnType<F>;
    return context.with(parentContext, run, undefined, parent);
  }
}
