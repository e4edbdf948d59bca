import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { ExpenseChangedDocument, type ExpenseChangedSubscription } from '../api/generated/graphql';

export type ExpenseChange = ExpenseChangedSubscription['expenseChanged'];

/** The close codes of the gateway's subscription server (README, Subscriptions). */
export const CloseCode = {
  /** connection_init without a valid token. */
  Forbidden: 4403,
  /** The access token expired on a live socket. */
  TokenExpired: 4419,
  /** The access token was revoked on a live socket: its session was ended, here or elsewhere. */
  TokenRevoked: 4420,
} as const;

export interface LiveChangesOptions {
  readonly url: string;
  /** A valid access token, renewed when needed; called for every (re)connection. */
  readonly accessToken: () => Promise<string>;
  readonly onChange: (change: ExpenseChange) => void;
  readonly onOnline: (online: boolean) => void;
  /** The token was refused (4403) twice in a row: the session is over. */
  readonly onForbidden?: () => void;
  /**
   * Renews the access token even though it has not expired, after the gateway closed the socket
   * for a revoked one (4420); rejects when the session is over (and has shown the log-in screen).
   */
  readonly renewAccessToken: () => Promise<unknown>;
  /** Test seam: the WebSocket implementation (default the global one). */
  readonly webSocketImpl?: unknown;
  /** Longest wait between reconnection attempts. Default 10 000 ms. */
  readonly maxBackoffMs?: number;
}

export interface LiveChanges {
  /** The cursor of the last change delivered; the next subscription starts after it. */
  readonly lastCursor: () => string | undefined;
  /** Closes the socket for good (log out). */
  stop(): Promise<void>;
}

/**
 * The `expenseChanged` subscription, kept alive: graphql-ws would re-send the first subscribe
 * message (and its old `after`) on reconnect, so it is told not to retry, and this loop
 * subscribes again itself with `after: <last cursor>` and a fresh token: nothing missed, nothing
 * twice. Close 4419 (token expired) reconnects at once; 4420 (token revoked) renews the token
 * first, which ends the session if it was ended elsewhere; other drops back off up to
 * maxBackoffMs.
 */
export function startLiveChanges(options: LiveChangesOptions): LiveChanges {
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  const query = print(ExpenseChangedDocument);
  let cursor: string | undefined;
  let stopped = false;
  let failures = 0;
  let forbidden = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let unsubscribe: (() => void) | undefined;
  let online = false;

  const setOnline = (value: boolean): void => {
    if (online === value) return;
    online = value;
    options.onOnline(value);
  };

  const client: Client = createClient({
    url: options.url,
    lazy: true,
    retryAttempts: 0,
    connectionParams: async () => ({ authorization: `Bearer ${await options.accessToken()}` }),
    ...(options.webSocketImpl === undefined ? {} : { webSocketImpl: options.webSocketImpl }),
    on: {
      connected: () => {
        failures = 0;
        setOnline(true);
      },
      closed: (event) => {
        const code = (event as { code?: number } | undefined)?.code;
        const tokenEnded = code === CloseCode.TokenExpired || code === CloseCode.TokenRevoked;
        if (!stopped && !tokenEnded) setOnline(false);
      },
    },
  });

  const schedule = (delayMs: number): void => {
    if (stopped) return;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(subscribe, delayMs);
  };

  function subscribe(): void {
    if (stopped) return;
    let ended = false;
    const end = (): boolean => {
      if (ended) return false;
      ended = true;
      return true;
    };
    unsubscribe = client.subscribe<ExpenseChangedSubscription>(
      { query, variables: { after: cursor ?? null } },
      {
        next: (result) => {
          const change = result.data?.expenseChanged;
          if (change === undefined) return;
          forbidden = 0;
          cursor = change.cursor;
          options.onChange(change);
        },
        error: (error) => {
          if (!end() || stopped) return;
          const code = (error as { code?: number } | undefined)?.code;
          if (code === CloseCode.TokenExpired) {
            schedule(0);
            return;
          }
          if (code === CloseCode.TokenRevoked) {
            options.renewAccessToken().then(
              () => schedule(0),
              () => {
                failures += 1;
                schedule(Math.min(maxBackoffMs, 250 * 2 ** Math.min(failures, 6)));
              },
            );
            return;
          }
          if (code === CloseCode.Forbidden) {
            forbidden += 1;
            if (forbidden >= 2) {
              options.onForbidden?.();
              return;
            }
            schedule(0);
            return;
          }
          failures += 1;
          setOnline(false);
          schedule(Math.min(maxBackoffMs, 250 * 2 ** Math.min(failures, 6)));
        },
        complete: () => {
          if (end()) schedule(0);
        },
      },
    );
  }

  subscribe();
  return {
    lastCursor: () => cursor,
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      unsubscribe?.();
      await client.dispose();
    },
  };
}
