import type { IncomingMessage } from 'node:http';
import {
  CloseCode,
  handleProtocols,
  makeServer,
  type ServerOptions,
  type WebSocket as GraphQLWsSocket,
} from 'graphql-ws';
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';

export interface GraphQLWsServerOptions<E> {
  /**
   * What each socket's graphql-ws context carries as `extra`, built once per connection. It lives
   * as long as the socket, so keep only what the hooks need (the upgrade request itself is a few
   * kilobytes of headers and stream state).
   */
  readonly extra: (socket: WebSocket, request: IncomingMessage) => E;
  /**
   * How often every open socket is pinged, in ms; a socket that has not answered one ping by the
   * next is terminated. Default 12 000 (graphql-ws's own default); 0 turns pings off.
   */
  readonly keepAliveMs?: number;
  /**
   * Largest frame accepted, in bytes; a larger one closes the socket with 1009 ("message too
   * big") before it is buffered. Default 1 MiB, the subgraphs' HTTP body limit (`ws` itself
   * would take 100 MiB).
   */
  readonly maxPayloadBytes?: number;
  /**
   * Decides, before graphql-ws sees a new socket, whether it may stay: a refusal closes it with
   * the code and reason given. Default: every socket stays.
   */
  readonly admit?: (socket: WebSocket, request: IncomingMessage) => SocketRefusal | undefined;
  /** Where errors on a socket or in a message handler are reported. */
  readonly log: Logger;
}

/** Why a socket may not stay: the close code and reason it is closed with. */
export interface SocketRefusal {
  readonly code: number;
  readonly reason: string;
}

const defaultMaxPayloadBytes = 1024 * 1024;
/** How often sockets are pinged unless `keepAliveMs` says otherwise; proxies in front must idle longer. */
export const defaultKeepAliveMs = 12_000;

/**
 * graphql-ws on a `ws` server: what `graphql-ws/use/ws` does, with less held per socket, since
 * thousands of idle subscribers are the normal load. One heartbeat timer pings every socket
 * (instead of an interval and a timeout per socket); `extra` is whatever the caller builds; each
 * message goes to graphql-ws as text, without an async wrapper that would hold the raw Buffer for
 * as long as a subscription started by that message runs.
 */
export function serveGraphQLWs<P extends Record<string, unknown>, E>(
  webSocketServer: WebSocketServer,
  serverOptions: ServerOptions<P, E>,
  options: GraphQLWsServerOptions<E>,
): { dispose(): Promise<void> } {
  const { log } = options;
  const keepAliveMs = options.keepAliveMs ?? defaultKeepAliveMs;
  const server = makeServer(serverOptions);
  webSocketServer.options.handleProtocols = handleProtocols;
  // Read by `ws` at each upgrade, so setting it here covers every socket this server accepts.
  webSocketServer.options.maxPayload = options.maxPayloadBytes ?? defaultMaxPayloadBytes;

  const unanswered = new WeakSet<WebSocket>();
  function answered(this: WebSocket): void {
    unanswered.delete(this);
  }
  const heartbeat =
    keepAliveMs > 0
      ? setInterval(() => {
          for (const socket of webSocketServer.clients) {
            if (socket.readyState !== socket.OPEN) continue;
            if (unanswered.has(socket)) {
              socket.terminate();
              continue;
            }
            unanswered.add(socket);
            socket.ping();
          }
        }, keepAliveMs)
      : undefined;
  heartbeat?.unref();

  const onConnection = (socket: WebSocket, request: IncomingMessage): void => {
    const refusal = options.admit?.(socket, request);
    if (refusal !== undefined) {
      socket.on('error', ignoreError);
      socket.close(refusal.code, refusal.reason);
      return;
    }
    socket.on('pong', answered);
    socket.on('error', (error) => {
      // A frame `ws` refused (too big, malformed) has already closed the socket with the code
      // that says why (1009, 1002...); closing again would only hide it.
      if (socket.readyState !== socket.OPEN) {
        log.info({ err: errorMessage(error) }, 'subscription socket refused a frame');
        return;
      }
      log.warn({ err: errorMessage(error) }, 'subscription socket error');
      socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
    const closed = server.opened(new Adapted(socket, log), options.extra(socket, request));
    socket.on('close', (code, reason) => void closed(code, String(reason)));
  };
  webSocketServer.on('connection', onConnection);
  webSocketServer.on('error', (error) => {
    log.error({ err: errorMessage(error) }, 'subscription server error');
  });

  return {
    async dispose() {
      clearInterval(heartbeat);
      webSocketServer.off('connection', onConnection);
      for (const socket of webSocketServer.clients) socket.close(1001, 'Going away');
      await new Promise<void>((resolve, reject) =>
        webSocketServer.close((error) => (error === undefined ? resolve() : reject(error))),
      );
    },
  };
}

/** A refused socket's errors (a peer that hangs up mid-close) matter to nobody. */
function ignoreError(): void {}

/** A `ws` socket as graphql-ws sees it; methods on the prototype, not closures per socket. */
class Adapted implements GraphQLWsSocket {
  constructor(
    private readonly socket: WebSocket,
    private readonly log: Logger,
  ) {}

  get protocol(): string {
    return this.socket.protocol;
  }

  send(data: string): Promise<void> {
    const { socket } = this;
    if (socket.readyState !== socket.OPEN) return Promise.resolve();
    return new Promise((resolve, reject) => {
      socket.send(data, (error) =>
        error === undefined || error === null ? resolve() : reject(error),
      );
    });
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason);
  }

  onMessage(handle: (data: string) => Promise<void>): void {
    const { socket, log } = this;
    // No async wrapper: a subscribe message's handler runs as long as its subscription, and an
    // async function would keep its own frame and promise for all that time.
    socket.on('message', (data) => {
      handle(textOf(data)).catch((error: unknown) => {
        log.error({ err: errorMessage(error) }, 'subscription message handler failed');
        socket.close(CloseCode.InternalServerError, 'Internal server error');
      });
    });
  }
}

function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
