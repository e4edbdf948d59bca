import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { Logger } from '@cashtrack/platform';
import type { HeardChange, SubscriberLog } from './ledger.ts';

/** Only fields the expense subgraph owns, so the gateway forwards the subgraph's stream as is. */
export const changesSubscription = `
  subscription Changes($after: String) {
    expenseChanged(after: $after) {
      cursor kind expenseId expense { id version } message { id }
    }
  }
`;

interface ChangeData {
  readonly expenseChanged: {
    readonly cursor: string;
    readonly kind: HeardChange['kind'];
    readonly expenseId: string | null;
    readonly expense: { readonly id: string; readonly version: number } | null;
    readonly message: { readonly id: string } | null;
  };
}

export interface SubscriberOptions {
  readonly graphqlUrl: string;
  readonly userId: string;
  /** Read at every (re)connection: the socket always starts with the current token. */
  readonly token: () => string;
  readonly log: Logger;
  readonly onChange?: (change: HeardChange) => void;
}

/**
 * One user's `expenseChanged` subscription, kept open as the app keeps it: whenever the socket
 * or the subscription ends (a 4419 for an expired token, the gateway losing its upstream, an
 * error), it opens a new socket with the current token and subscribes with
 * `after: <last cursor heard>`, which must deliver what was missed with no gap and no repeat.
 * graphql-ws's own retry is off because it would resubscribe with the first `after`.
 */
export class ResumableSubscriber {
  private readonly heard: HeardChange[] = [];
  private client: Client | undefined;
  private reconnects = 0;
  private generation = 0;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SubscriberOptions) {}

  start(): void {
    this.connect();
  }

  log(): SubscriberLog {
    return {
      userId: this.options.userId,
      baseCursor: this.heard[0]?.cursor,
      heard: [...this.heard],
      reconnects: this.reconnects,
    };
  }

  heardCount(): number {
    return this.heard.length;
  }

  /**
   * Closes the socket as a phone losing its network would, so the subscriber resumes with
   * `after: <last cursor>`: the path the "missed or heard twice" checks are about.
   */
  drop(): void {
    this.resume(this.generation, 'dropped by the workload');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    await this.client?.dispose();
  }

  private connect(): void {
    const generation = ++this.generation;
    const after = this.heard.at(-1)?.cursor ?? null;
    const client = createClient({
      url: this.options.graphqlUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: () => ({ authorization: `Bearer ${this.options.token()}` }),
      lazy: false,
      retryAttempts: 0,
      // A failed connection is reported to the subscription's sink, which resumes; graphql-ws's
      // default would also print it with console.error.
      onNonLazyError: () => undefined,
      on: { closed: () => this.resume(generation, 'socket closed') },
    });
    this.client = client;
    client.subscribe<ChangeData>(
      { query: changesSubscription, variables: { after } },
      {
        next: (result) => {
          // A socket this subscriber has left behind may still hand over frames it had
          // received: after a stalled event loop, the timer of the next connection can run
          // before them, which then resumes from before them and sends them again. The
          // current subscription delivers them, after the last change heard here.
          if (generation !== this.generation) return;
          const change = result.data?.expenseChanged;
          if (change === undefined) {
            this.resume(generation, `error result: ${JSON.stringify(result.errors)}`);
            return;
          }
          const heard: HeardChange = {
            cursor: change.cursor,
            kind: change.kind,
            expenseId: change.expenseId,
            version: change.expense?.version ?? null,
            messageId: change.message?.id ?? null,
          };
          this.heard.push(heard);
          this.options.onChange?.(heard);
        },
        error: (error) => this.resume(generation, describe(error)),
        complete: () => this.resume(generation, 'completed'),
      },
    );
  }

  /** Reconnects once per lost connection, however many of its callbacks report the loss. */
  private resume(generation: number, why: string): void {
    if (this.stopped || generation !== this.generation) return;
    this.generation += 1;
    this.reconnects += 1;
    this.options.log.debug({ userId: this.options.userId, why }, 'subscription resumes');
    const old = this.client;
    void old?.dispose();
    // A short pause so a dead upstream is not hammered; the gateway itself stays up.
    this.reconnectTimer = setTimeout(() => this.connect(), 250 + Math.random() * 500);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'code' in error)
    return `close ${String(error.code)}`;
  return JSON.stringify(error);
}

/**
 * A fresh subscription after `after`, read until it has been quiet for `quietMs` (bounded by
 * `timeoutMs`): the history the server holds, which the live subscriber must match.
 */
export async function replayAfter(
  graphqlUrl: string,
  token: string,
  after: string,
  options: { readonly quietMs: number; readonly timeoutMs: number },
): Promise<HeardChange[]> {
  const changes: HeardChange[] = [];
  let failure: string | undefined;
  const client = createClient({
    url: graphqlUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: () => undefined,
  });
  let lastAt = Date.now();
  client.subscribe<ChangeData>(
    { query: changesSubscription, variables: { after } },
    {
      next: (result) => {
        const change = result.data?.expenseChanged;
        if (change === undefined) {
          failure = JSON.stringify(result.errors);
          return;
        }
        lastAt = Date.now();
        changes.push({
          cursor: change.cursor,
          kind: change.kind,
          expenseId: change.expenseId,
          version: change.expense?.version ?? null,
          messageId: change.message?.id ?? null,
        });
      },
      error: (error) => {
        failure = describe(error);
      },
      complete: () => undefined,
    },
  );
  const deadline = Date.now() + options.timeoutMs;
  while (failure === undefined && Date.now() < deadline && Date.now() - lastAt < options.quietMs)
    await new Promise((resolve) => setTimeout(resolve, 100));
  await client.dispose();
  if (failure !== undefined) throw new Error(`replay after ${after} failed: ${failure}`);
  return changes;
}
