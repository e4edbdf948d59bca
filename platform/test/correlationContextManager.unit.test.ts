import { EventEmitter } from 'node:events';
import { setImmediate as afterIo } from 'node:timers/promises';
import { describe, expect, it } from '@jest/globals';
import { createContextKey, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { currentCorrelationId, withCorrelation } from '@cashtrack/platform';
import { currentUnsampledTraceparent } from '../src/correlation.ts';
import { CorrelationContextManager } from '../src/tracing/correlationContextManager.ts';

/**
 * OpenTelemetry's context kept in the correlation's storage: it must behave as the stock
 * AsyncLocalStorageContextManager does, and the two kinds of context must never clobber each
 * other.
 */

const name = createContextKey('name');
const named = (value: string): Context => ROOT_CONTEXT.setValue(name, value);
const nameIn = (context: Context): unknown => context.getValue(name);
const unsampledTraceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00';

function enabledManager(): CorrelationContextManager {
  return new CorrelationContextManager().enable();
}

describe('CorrelationContextManager.with', () => {
  it('runs its function in the context given, nested, and restores the one before after it', () => {
    const manager = enabledManager();
    const seen: unknown[] = [];
    expect(manager.active()).toBe(ROOT_CONTEXT);
    manager.with(named('outer'), () => {
      seen.push(nameIn(manager.active()));
      manager.with(named('inner'), () => seen.push(nameIn(manager.active())));
      seen.push(nameIn(manager.active()));
    });
    seen.push(nameIn(manager.active()));
    expect(seen).toEqual(['outer', 'inner', 'outer', undefined]);
    expect(manager.active()).toBe(ROOT_CONTEXT);
  });

  it('restores the context before even when its function throws', () => {
    const manager = enabledManager();
    manager.with(named('outer'), () => {
      expect(() =>
        manager.with(named('inner'), () => {
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(nameIn(manager.active())).toBe('outer');
    });
  });

  it('passes this and the arguments on and returns what its function returns', () => {
    const manager = enabledManager();
    function add(this: { prefix: string }, a: number, b: number) {
      return `${this.prefix} ${a + b} in ${String(nameIn(manager.active()))}`;
    }
    expect(manager.with(named('ctx'), add, { prefix: 'sum' }, 2, 3)).toBe('sum 5 in ctx');
  });

  it('keeps each concurrent async chain in its own context across awaits', async () => {
    const manager = enabledManager();
    const chain = (label: string) =>
      manager.with(named(label), async () => {
        const seen: unknown[] = [];
        for (let step = 0; step < 3; step += 1) {
          await afterIo();
          seen.push(nameIn(manager.active()));
          await new Promise((resolve) => setTimeout(resolve, 1));
          seen.push(nameIn(manager.active()));
        }
        return seen;
      });
    const [first, second] = await Promise.all([chain('first'), chain('second')]);
    expect(first).toEqual(Array(6).fill('first'));
    expect(second).toEqual(Array(6).fill('second'));
    expect(manager.active()).toBe(ROOT_CONTEXT);
  });
});

describe('CorrelationContextManager with the correlation', () => {
  it("keeps the correlation id and an unsampled trace's traceparent inside a context", () => {
    const manager = enabledManager();
    const seen = withCorrelation(
      'correlation-1',
      () =>
        manager.with(named('ctx'), () => ({
          correlationId: currentCorrelationId(),
          unsampled: currentUnsampledTraceparent(),
          context: nameIn(manager.active()),
        })),
      unsampledTraceparent,
    );
    expect(seen).toEqual({
      correlationId: 'correlation-1',
      unsampled: unsampledTraceparent,
      context: 'ctx',
    });
  });

  it('keeps the context inside a correlation, and each after the other ends', async () => {
    const manager = enabledManager();
    const seen = await manager.with(named('ctx'), async () => {
      const inside = await withCorrelation('correlation-2', async () => {
        await afterIo();
        return { correlationId: currentCorrelationId(), context: nameIn(manager.active()) };
      });
      return { inside, after: currentCorrelationId(), context: nameIn(manager.active()) };
    });
    expect(seen).toEqual({
      inside: { correlationId: 'correlation-2', context: 'ctx' },
      after: undefined,
      context: 'ctx',
    });
  });
});

describe('CorrelationContextManager.bind', () => {
  it('binds a function to a context, wherever it is called from, keeping this and its length', () => {
    const manager = enabledManager();
    function read(this: { label: string }, suffix: string) {
      return `${this.label} ${String(nameIn(manager.active()))} ${suffix}`;
    }
    const bound = manager.bind(named('bound'), read);
    expect(bound.length).toBe(1);
    const called = manager.with(named('caller'), () => bound.call({ label: 'target' }, '!'));
    expect(called).toBe('target bound !');
  });

  it("runs an EventEmitter's listeners in the bound context, and removes them by the listener given", () => {
    const manager = enabledManager();
    const emitter = manager.bind(named('emitter'), new EventEmitter());
    const seen: unknown[] = [];
    const listener = () => seen.push(nameIn(manager.active()));
    emitter.on('event', listener);
    emitter.once('once', listener);
    manager.with(named('emitting'), () => {
      emitter.emit('event');
      emitter.emit('once');
      emitter.emit('once');
    });
    expect(seen).toEqual(['emitter', 'emitter']);
    emitter.removeListener('event', listener);
    expect(emitter.listenerCount('event')).toBe(0);
    emitter.on('event', listener);
    emitter.removeAllListeners();
    expect(emitter.listenerCount('event')).toBe(0);
  });

  it('leaves what is neither a function nor an EventEmitter as it is', () => {
    const manager = enabledManager();
    const value = { some: 'object' };
    expect(manager.bind(named('ctx'), value)).toBe(value);
  });
});

describe('CorrelationContextManager disabled', () => {
  it('holds no context: active is the root, and the correlation stays', () => {
    const manager = enabledManager();
    const seen = withCorrelation('correlation-3', () =>
      manager.with(named('ctx'), () => {
        manager.disable();
        const whileDisabled = {
          context: manager.active(),
          correlationId: currentCorrelationId(),
          within: manager.with(named('other'), () => manager.active()),
        };
        manager.enable();
        return { ...whileDisabled, afterEnable: nameIn(manager.active()) };
      }),
    );
    expect(seen).toEqual({
      context: ROOT_CONTEXT,
      correlationId: 'correlation-3',
      within: ROOT_CONTEXT,
      afterEnable: 'ctx',
    });
  });
});
