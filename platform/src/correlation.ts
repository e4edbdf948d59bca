import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Context } from '@opentelemetry/api';

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

/**
 * What one chain of async work carries: its correlation and, while tracing is on, OpenTelemetry's
 * active context. One AsyncLocalStorage holds both because every storage in use is copied onto
 * every promise and callback Node makes; a second one for OpenTelemetry (its stock context
 * manager's) doubled that on every async hop of a traced process, sampled or not.
 */
interface CarriedContext {
  readonly correlationId: string | undefined;
  readonly unsampledTraceparent: string | undefined;
  /** OpenTelemetry's active context (tracing/correlationContextManager.ts). */
  readonly traceContext: Context | undefined;
}

const storage = new AsyncLocalStorage<CarriedContext>();

/**
 * Runs `work` with `correlationId` attached to every log line written inside it, and, given
 * one, the `traceparent` of the unsampled trace it continues. OpenTelemetry's active context
 * stays as it is.
 */
export function withCorrelation<T>(
  correlationId: string,
  work: () => T,
  unsampledTraceparent?: string,
): T {
  const traceContext = storage.getStore()?.traceContext;
  return storage.run({ correlationId, unsampledTraceparent, traceContext }, work);
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/** The `traceparent` of the unsampled trace the work in hand continues, if it continues one. */
export function currentUnsampledTraceparent(): string | undefined {
  return storage.getStore()?.unsampledTraceparent;
}

/** OpenTelemetry's context of the work in hand, or undefined when none was set. */
export function currentTraceContext(): Context | undefined {
  return storage.getStore()?.traceContext;
}

/**
 * Runs `work(...args)` with `traceContext` as OpenTelemetry's context, the correlation (and an
 * unsampled trace's `traceparent`) kept as they are: OpenTelemetry's context manager is built
 * on this (tracing/correlationContextManager.ts).
 */
export function withTraceContext<A extends unknown[], T>(
  traceContext: Context,
  work: (...args: A) => T,
  ...args: A
): T {
  const current = storage.getStore();
  return storage.run(
    {
      correlationId: current?.correlationId,
      unsampledTraceparent: current?.unsampledTraceparent,
      traceContext,
    },
    work,
    ...args,
  );
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
