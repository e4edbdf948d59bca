import { ROOT_CONTEXT, SpanKind, TraceFlags, type SpanContext } from '@opentelemetry/api';
import {
  RandomIdGenerator,
  SamplingDecision,
  type IdGenerator,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';

/**
 * The ids of the tracer provider's spans, and the sampling of a new trace ahead of it. Our hot
 * paths (a publish or a consumed message with no trace, an HTTP request) decide whether a new
 * trace is sampled before they ask the SDK, so that one left out costs no SDK span, only its ids.
 * They decide as the SDK would: by the sampler a new trace meets, on a trace id drawn here. A
 * kept trace's id is the one the SDK's next root span takes, so the SDK's sampler, judging that
 * same id, keeps it too. (Drawing apart from it, as a random share, then letting the SDK's ratio
 * sampler draw again, kept ratio² of new traces: 1% at 10%.)
 */
export class NewTraceDraws implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  /** The id of a trace just kept, for the root span its drawer starts in the same task. */
  private kept: string | undefined;

  constructor(private readonly newTraceSampler: Sampler) {}

  generateTraceId(): string {
    const kept = this.kept;
    if (kept === undefined) return this.random.generateTraceId();
    this.kept = undefined;
    return kept;
  }

  generateSpanId(): string {
    return this.random.generateSpanId();
  }

  /**
   * The ids of a new trace when its sampler leaves it out (to go on unsampled, with no span);
   * undefined when it keeps it, and then the next root span started in this task is that trace.
   */
  leftOut(): SpanContext | undefined {
    const traceId = this.random.generateTraceId();
    const { decision } = this.newTraceSampler.shouldSample(
      ROOT_CONTEXT,
      traceId,
      '',
      SpanKind.INTERNAL,
      {},
      [],
    );
    if (decision === SamplingDecision.NOT_RECORD) {
      return { traceId, spanId: this.random.generateSpanId(), traceFlags: TraceFlags.NONE };
    }
    this.kept = traceId;
    // Its drawer starts the root span at once; should it not, no later span takes this id.
    queueMicrotask(() => {
      if (this.kept === traceId) this.kept = undefined;
    });
    return undefined;
  }
}
