import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What a log line needs to tie it to the request or event that caused it. */
export interface CorrelationContext {
  readonly correlationId: string;
  /**
   * The `traceparent` of a message whose trace its sampler left out, while its handling runs: it
   * rides in the context made per event anyway rather than in an OpenTelemetry context of its
   * own, so what the handling logs and publishes carries that trace on at no extra cost
   * (traceContext.ts reads it).
   */
  readonly unsampledTraceparent?: string;
}

const storage = new AsyncLocalStorage<CorrelationContext>();

/**
 * Runs `work` with `correlationId` attached to every log line written inside it, and, given
 * one, the `traceparent` of the unsampled trace it continues.
 */
export function withCorrelation<T>(
  correlationId: string,
  work: () => T,
  unsampledTraceparent?: string,
): T {
  return storage.run(
    unsampledTraceparent === undefined
      ? { correlationId }
      : { correlationId, unsampledTraceparent },
    work,
  );
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/** The `traceparent` of the unsampled trace the work in hand continues, if it continues one. */
export function currentUnsampledTraceparent(): string | undefined {
  return storage.getStore()?.unsampledTraceparent;
}

/**
 * A fresh id, as one flat string. `randomUUID()` builds its answer by concatenating some twenty
 * pieces, and V8 keeps that as a rope of cons strings (about 700 bytes instead of 56) for as long
 * as the id lives; a subscription's context holds its id for hours, once on the gateway and once
 * on the subgraph. Copying it through latin1 makes one sequential string.
 */
export function newCorrelationId(): string {
  return Buffer.from(randomUUID(), 'latin1').toString('latin1');
}
