import { ROOT_CONTEXT, type Context } from '@opentelemetry/api';
// The stock managers' base, for `bind` (functions and EventEmitters) exactly as theirs; the
// package exports only the managers themselves, each with a storage of its own.
import { AbstractAsyncHooksContextManager } from '@opentelemetry/context-async-hooks/build/src/AbstractAsyncHooksContextManager.js';
import { currentTraceContext, withTraceContext } from '../correlation.ts';

/**
 * OpenTelemetry's context manager, kept in the correlation's AsyncLocalStorage
 * (correlation.ts) instead of a storage of its own as the stock AsyncLocalStorageContextManager
 * keeps it: Node copies every storage in use onto every promise it makes, so a second one cost
 * a traced process on every async hop, whether its request was sampled or not. Behaves as the
 * stock manager: `with` runs its function in the context given and the context before is back
 * after it; `bind` is the stock one; a correlation set inside keeps the context, and a context
 * set inside keeps the correlation.
 */
export class CorrelationContextManager extends AbstractAsyncHooksContextManager {
  private enabled = false;

  active(): Context {
    if (!this.enabled) return ROOT_CONTEXT;
    return currentTraceContext() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    const work = thisArg === undefined || thisArg === null ? fn : fn.bind(thisArg);
    // Already active (Apollo Gateway and our spans often hand the active context back): a new
    // store would hold just what this one does.
    if (!this.enabled || context === this.active()) return work(...args);
    return withTraceContext(context, work, ...args);
  }

  enable(): this {
    this.enabled = true;
    return this;
  }

  /**
   * From now on no context at all: `active()` is the root and `with` runs its function as it
   * is, whatever contexts the async chains still carry (OpenTelemetry's API calls this as it
   * drops the manager, when tracing stops). The correlation is not tracing's and stays.
   */
  disable(): this {
    this.enabled = false;
    return this;
  }
}
