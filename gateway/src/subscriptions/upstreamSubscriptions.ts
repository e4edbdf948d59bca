import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { gatewaySignatureHeaders } from '@cashtrack/platform';
import type { ReplicaPool } from '../replicas/replicaPool.ts';

export type UpstreamEvent = FormattedExecutionResult<Record<string, unknown>, unknown>;

export interface UpstreamRequest {
  readonly query: string;
  /** Moved on by `resume` as events arrive: the client sends this same object again on resubscribing. */
  readonly variables: Record<string, unknown>;
  readonly authorization: string;
  /**
   * Where each event's cursor is (`data[field].cursor`) and which variable resumes after it. When
   * the subgraph's socket is lost, the graphql-ws client reconnects (to the next replica) and
   * subscribes again with the same payload: with the variable moved on to the last cursor heard,
   * the stream goes on from there, with no gap and no repeat.
   */
  readonly resume: { readonly field: string; readonly variable: string };
}

/** The cursor of the change an upstream event carries at `field`, if it has one. */
export function cursorOf(event: UpstreamEvent, field: string): string | undefined {
  const cursor = (event.data?.[field] as { cursor?: unknown } | undefined)?.cursor;
  return typeof cursor === 'string' ? cursor : undefined;
}

/**
 * One multiplexed graphql-ws connection per subgraph, shared by every subscriber of this gateway
 * instance (thousands of idle sockets must not cost thousands of upstream sockets). Each upstream
 * subscription carries its subscriber's token in `extensions.authorization`, which the subgraph
 * verifies itself. Reconnects go to the next replica of the pool. Each socket's upgrade request is
 * signed as the gateway's (`secret`), which the subgraph demands before it opens the socket.
 */
export class UpstreamSubscriptions {
  private readonly clients = new Map<string, Client>();
  private readonly tally = { live: 0 };

  constructor(
    private readonly pools: ReadonlyMap<string, ReplicaPool>,
    private readonly secret: string,
  ) {}

  /**
   * The subgraph's events for one subscriber. `return()` completes the upstream subscription at
   * once, even while a `next()` waits for an event that may never come (an idle subscriber):
   * the waiting `next()` then resolves done.
   */
  subscribe(subgraph: string, request: UpstreamRequest): AsyncIterableIterator<UpstreamEvent> {
    return new UpstreamEvents(this.client(subgraph), request, this.tally);
  }

  /** Upstream subscriptions not yet completed or returned, for tests and health. */
  active(): number {
    return this.tally.live;
  }

  dispose(): void {
    for (const client of this.clients.values()) void client.dispose();
    this.clients.clear();
  }

  private client(subgraph: string): Client {
    const existing = this.clients.get(subgraph);
    if (existing !== undefined) return existing;
    const pool = this.pools.get(subgraph);
    if (pool === undefined) throw new Error(`no subgraph named ${subgraph}`);
    const client = createClient({
      url: () => (pool.candidates()[0] ?? '').replace(/^http/, 'ws'),
      webSocketImpl: signedWebSocket(this.secret),
      lazy: true,
      lazyCloseTimeout: 5_000,
      keepAlive: 15_000,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
    });
    this.clients.set(subgraph, client);
    return client;
  }
}

/**
 * The `ws` client with the gateway's signature on its upgrade request. graphql-ws constructs one
 * per (re)connection with `(url, protocol)`, so every attempt is signed at its own time.
 */
function signedWebSocket(secret: string): new (address: string, protocols?: string) => WebSocket {
  return class SignedWebSocket extends WebSocket {
    constructor(address: string, protocols?: string) {
      const target = new URL(address);
      super(address, protocols, {
        headers: gatewaySignatureHeaders(secret, {
          method: 'GET',
          target: `${target.pathname}${target.search}`,
          body: '',
        }),
      });
    }
  };
}

const done: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * A push-to-pull queue over one `client.subscribe`: events that arrive while nobody asks wait in
 * `queue`; a `next()` that comes first waits in `waiting`. One small object per subscriber, no
 * async generator (whose `return()` would queue behind a pending `next()` and never run).
 */
class UpstreamEvents implements AsyncIterableIterator<UpstreamEvent> {
  private queue: UpstreamEvent[] = [];
  private waiting: ((result: IteratorResult<UpstreamEvent, undefined>) => void) | undefined;
  private failWaiting: ((error: Error) => void) | undefined;
  private failure: { readonly error: Error } | undefined;
  private ended = false;
  private readonly stop: () => void;

  constructor(
    client: Client,
    private readonly request: UpstreamRequest,
    private readonly tally: { live: number },
  ) {
    tally.live += 1;
    this.stop = client.subscribe<Record<string, unknown>>(
      {
        query: request.query,
        variables: request.variables,
        extensions: { authorization: request.authorization },
      },
      new UpstreamSink(this),
    );
  }

  next(): Promise<IteratorResult<UpstreamEvent, undefined>> {
    const value = this.queue.shift();
    if (value !== undefined) return Promise.resolve({ done: false, value });
    if (this.failure !== undefined) {
      const { error } = this.failure;
      this.failure = undefined;
      return Promise.reject(error);
    }
    if (this.ended) return Promise.resolve(done);
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failWaiting = reject;
    });
  }

  return(): Promise<IteratorResult<UpstreamEvent, undefined>> {
    if (!this.ended) {
      this.stop();
      this.end(undefined);
    }
    this.queue = [];
    this.failure = undefined;
    return Promise.resolve(done);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  push(value: UpstreamEvent): void {
    if (this.ended) return;
    const { resume, variables } = this.request;
    const cursor = cursorOf(value, resume.field);
    if (cursor !== undefined) variables[resume.variable] = cursor;
    const waiting = this.waiting;
    if (waiting === undefined) {
      this.queue.push(value);
      return;
    }
    this.waiting = undefined;
    this.failWaiting = undefined;
    waiting({ done: false, value });
  }

  end(failure: { readonly error: Error } | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.tally.live -= 1;
    const { waiting, failWaiting } = this;
    this.waiting = undefined;
    this.failWaiting = undefined;
    if (failure !== undefined && failWaiting !== undefined) failWaiting(failure.error);
    else if (failure !== undefined) this.failure = failure;
    else waiting?.(done);
  }
}

/** The client's sink for one subscription: methods on the prototype, not three closures. */
class UpstreamSink {
  constructor(private readonly events: UpstreamEvents) {}
  next(value: UpstreamEvent): void {
    this.events.push(value);
  }
  error(error: unknown): void {
    this.events.end({ error: asError(error) });
  }
  complete(): void {
    this.events.end(undefined);
  }
}

/**
 * What the client hands `error` (the subgraph's GraphQL errors, or the close event of a socket it
 * gave up on) as an Error, so the subscriber's error message says what happened.
 */
function asError(error: unknown): Error {
  if (error instanceof Error) return error;
  if (Array.isArray(error)) {
    const messages = error.map((item: { message?: unknown }) => String(item.message));
    return new Error(messages.join('; '));
  }
  const closed = error as { code?: unknown; reason?: unknown } | null;
  if (typeof closed?.code === 'number') {
    return new Error(`The subgraph connection closed (${closed.code} ${String(closed.reason)})`);
  }
  return new Error(String(error));
}
