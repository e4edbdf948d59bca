import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import { newCorrelationId } from '../correlation.ts';
import type { Logger } from '../logger.ts';
import { httpMetrics } from '../metrics/httpMetrics.ts';
import { traceRequest } from '../tracing/httpSpans.ts';

/** Serves one extra GET path, such as auth's JWKS or the parser's metrics. */
export type HttpRoute = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** What a mount (GraphQL and its WebSocket upgrade) needs done when the server closes. */
export interface HttpMount {
  /** Before the server stops accepting: end what never finishes by itself (open sockets). */
  beforeDrain(): Promise<void>;
  /** Once every request in flight has finished or been cut off. */
  afterDrain(): Promise<void>;
}

export interface HttpServerOptions {
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** Default `127.0.0.1`; containers pass `0.0.0.0`. */
  readonly host?: string;
  /** `GET /ready` answers 200 only while this resolves true (database reachable, consumer up...). */
  readonly isReady: () => Promise<boolean>;
  /** Extra GET routes by exact path. */
  readonly routes?: Readonly<Record<string, HttpRoute>>;
  /** Adds the service's own handlers to the app (and upgrades to the server) before it listens. */
  readonly mount?: (app: Express, server: Server) => Promise<HttpMount>;
  /** How long `close()` lets requests in flight finish before cutting them off. Default 10 000. */
  readonly drainTimeoutMs?: number;
  /** Times every request here (`http_server_request_duration_seconds`). Default none. */
  readonly metrics?: Registry;
  readonly logger: Logger;
}

export interface RunningHttpServer {
  /** Base URL, e.g. `http://127.0.0.1:4001`. */
  readonly url: string;
  readonly port: number;
  /** Stops taking requests, lets those in flight finish, then stops the mount. Idempotent. */
  close(): Promise<void>;
}

const correlationHeader = 'x-correlation-id';
const acceptableCorrelationId = /^[A-Za-z0-9._:-]{1,100}$/;
const correlationIds = new WeakMap<IncomingMessage, string>();

/**
 * Every process's HTTP server, on express: `GET /health` (the process is alive), `GET /ready`
 * (it can take work), the `routes`, then whatever `mount` adds; anything else is a JSON 404.
 * Requests past the probes carry a correlation id, taken from `x-correlation-id` (or made fresh)
 * and echoed back (`correlationIdOf`), and a server span in the caller's trace (`traceRequest`).
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const log = options.logger;
  const app = express();
  app.disable('x-powered-by');
  // Nothing here is cacheable, and hashing every GraphQL answer for an ETag costs CPU.
  app.set('etag', false);
  const server = createServer(app);

  if (options.metrics !== undefined) {
    const paths = ['/health', '/ready', '/graphql', ...Object.keys(options.routes ?? {})];
    app.use(httpMetrics(options.metrics, paths));
  }
  app.get('/health', (_request, response) => sendJson(response, 200, { status: 'ok' }));
  app.get('/ready', async (_request, response) => {
    const ready = await options.isReady().catch(() => false);
    sendJson(response, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
  });
  for (const [path, route] of Object.entries(options.routes ?? {})) app.get(path, route);
  app.use(correlate);
  const mount = await options.mount?.(app, server);
  app.use((_request: Request, response: Response) =>
    sendJson(response, 404, { error: 'not found' }),
  );
  app.use((error: unknown, request: Request, response: Response, _next: NextFunction) => {
    log.error({ err: error, url: request.originalUrl }, 'request failed');
    if (!response.headersSent) sendJson(response, 500, { error: 'internal error' });
    else response.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
  log.info({ url }, 'listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    close() {
      closing ??= (async () => {
        await mount?.beforeDrain();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const cutOff = setTimeout(
          () => server.closeAllConnections(),
          options.drainTimeoutMs ?? 10_000,
        );
        await closed;
        clearTimeout(cutOff);
        await mount?.afterDrain();
        log.info('http server stopped');
      })();
      return closing;
    },
  };
}

function correlate(request: Request, response: Response, next: NextFunction): void {
  const offered = request.header(correlationHeader);
  const correlationId =
    offered !== undefined && acceptableCorrelationId.test(offered) ? offered : newCorrelationId();
  correlationIds.set(request, correlationId);
  response.setHeader(correlationHeader, correlationId);
  traceRequest(request, response, next);
}

/** The request's correlation id, as echoed in its answer's `x-correlation-id`. */
export function correlationIdOf(request: IncomingMessage): string {
  return correlationIds.get(request) ?? newCorrelationId();
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.end(JSON.stringify(body));
}
