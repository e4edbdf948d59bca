import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What a log line needs to tie it to the request or event that caused it. */
export interface CorrelationContext {
  readonly correlationId: string;
}

const storage = new AsyncLocalStorage<CorrelationContext>();

/** Runs `work` with `correlationId` attached to every log line written inside it. */
export function withCorrelation<T>(correlationId: string, work: () => T): T {
  return storage.run({ correlationId }, work);
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
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
