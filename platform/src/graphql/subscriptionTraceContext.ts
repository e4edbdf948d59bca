import {
  createSourceEventStream,
  execute,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';
import { traceCarrierIn } from '../traceContext.ts';

/**
 * graphql-js's `subscribe`, with each event's trace context beside its result: a source event
 * that carries a `traceContext` (a change log entry, say) gets its `traceparent` and `tracestate`
 * in the result's `extensions`, which graphql-ws sends in its `next` message, so the gateway's
 * delivery of the event continues the event's trace. Given to graphql-ws only while tracing is
 * on; the gateway strips the field before its client sees the event.
 */
export async function subscribeWithTraceContext(
  args: ExecutionArgs,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in stream)) return stream;
  return new TracedResults(stream[Symbol.asyncIterator](), args);
}

const ended: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * Each source event executed as graphql-js does it (`rootValue` the event). A class rather than
 * an async generator, whose `return()` would wait behind a `next()` pending on an idle stream.
 */
class TracedResults implements AsyncIterableIterator<ExecutionResult> {
  constructor(
    private readonly source: AsyncIterator<unknown>,
    private readonly args: ExecutionArgs,
  ) {}

  async next(): Promise<IteratorResult<ExecutionResult, undefined>> {
    const step = await this.source.next();
    if (step.done === true) return ended;
    try {
      const result = await execute({ ...this.args, rootValue: step.value });
      const event = step.value as { readonly traceContext?: unknown } | null | undefined;
      const traceContext = traceCarrierIn(event?.traceContext);
      if (traceContext === undefined) return { done: false, value: result };
      return {
        done: false,
        value: { ...result, extensions: { ...result.extensions, ...traceContext } },
      };
    } catch (error) {
      await this.return();
      throw error;
    }
  }

  async return(): Promise<IteratorResult<ExecutionResult, undefined>> {
    await this.source.return?.();
    return ended;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
