import { describe, expect, it } from '@jest/globals';
import { buildSchema, parse, type ExecutionResult } from 'graphql';
import { subscribeWithTraceContext } from '../src/graphql/subscriptionTraceContext.ts';

const schema = buildSchema(`
  type Query { ok: Boolean }
  type Change { cursor: String! }
  type Subscription { changed: Change! }
`);

const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

/** A source stream of `events` that records whether it was let go. */
function sourceOf(events: readonly object[]) {
  const released = { value: false };
  const iterator: AsyncIterableIterator<object> = {
    next: () => {
      const value = events[0];
      if (value === undefined) return new Promise(() => undefined);
      events = events.slice(1);
      return Promise.resolve({ done: false, value });
    },
    return: () => {
      released.value = true;
      return Promise.resolve({ done: true, value: undefined });
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return { iterator, released };
}

async function subscribeTo(events: readonly object[]) {
  const source = sourceOf(events);
  const results = await subscribeWithTraceContext({
    schema,
    document: parse('subscription { changed { cursor } }'),
    // The stream's events are the root values the field `changed` is read from.
    subscribeFieldResolver: () => source.iterator,
  });
  if (!(Symbol.asyncIterator in results)) throw new Error(JSON.stringify(results));
  return { results, released: source.released };
}

describe('subscribeWithTraceContext', () => {
  it("sends each event's trace context in its result's extensions, and only that", async () => {
    const { results } = await subscribeTo([
      { changed: { cursor: '1' }, traceContext: { traceparent, tracestate: 'vendor=1' } },
      { changed: { cursor: '2' } },
    ]);
    const first = (await results.next()).value as ExecutionResult;
    const second = (await results.next()).value as ExecutionResult;
    expect(first).toEqual({
      data: { changed: { cursor: '1' } },
      extensions: { traceparent, tracestate: 'vendor=1' },
    });
    expect(second).toEqual({ data: { changed: { cursor: '2' } } });
  });

  it('lets the source go at once when the subscriber leaves', async () => {
    const { results, released } = await subscribeTo([]);
    await results.return?.();
    expect(released.value).toBe(true);
  });
});
