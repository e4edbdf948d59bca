import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { FetcherHeaders, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { parsedUrl } from './parsedUrls.ts';

const reusedConnection = Symbol('failed on a reused keep-alive connection');

/**
 * True when `error` ended a request sent on a keep-alive connection opened for an earlier one:
 * most often the server closed it for idleness just as we reused it, before reading the request.
 */
export function failedOnReusedConnection(error: unknown): boolean {
  // Not `instanceof Error`: node:http's errors come from another realm under Jest's VM.
  return typeof error === 'object' && error !== null && reusedConnection in error;
}

/**
 * How long a connection may sit idle before we close it, at most; a server that announces a
 * shorter keep-alive (`Keep-Alive: timeout=5`, Node's default) makes it a second shorter than
 * that. Node applies the server's hint only when the agent has a timeout of its own: without
 * one it kept idle connections until the server closed them, so the first mutation after five
 * quiet seconds could meet a connection closing under it and fail with SERVICE_UNAVAILABLE
 * ("the change may have been made"), since a mutation is never sent twice. An agent's timeout
 * only closes idle connections; a slow answer is not cut short.
 */
const idleConnectionTimeoutMs = 30_000;
const httpAgent = new HttpAgent({ keepAlive: true, timeout: idleConnectionTimeoutMs });
const httpsAgent = new HttpsAgent({ keepAlive: true, timeout: idleConnectionTimeoutMs });

/**
 * The subgraph fetcher's transport: node:http over keep-alive agents, the answer read into one
 * buffer before it resolves. Measured with `npm run bench:gateway`, global fetch (undici behind
 * WHATWG streams, headers and body objects) was the largest single cost of a gateway request;
 * this does the same on plain sockets. A connection lost before the whole answer arrived rejects
 * here, with the socket's error code (ECONNREFUSED, ECONNRESET), so the balancer can retry it.
 */
export function keepAliveFetch(
  url: string,
  init: FetcherRequestInit = {},
): Promise<FetcherResponse> {
  return new Promise((resolve, reject) => {
    const target = parsedUrl(url);
    const secure = target.protocol === 'https:';
    const headers: Record<string, string | number> = { ...init.headers };
    if (init.body !== undefined) headers['content-length'] = Buffer.byteLength(init.body);
    const outgoing = (secure ? httpsRequest : httpRequest)(
      target,
      {
        method: init.method ?? 'GET',
        headers,
        agent: secure ? httpsAgent : httpAgent,
        signal: init.signal as AbortSignal | undefined,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.once('error', reject);
        incoming.once('close', () => {
          if (!incoming.complete) {
            reject(
              Object.assign(new Error('the connection closed mid-answer'), { code: 'ECONNRESET' }),
            );
            return;
          }
          resolve(
            new BufferedResponse(
              url,
              incoming.statusCode ?? 0,
              incoming.statusMessage ?? '',
              new ResponseHeaders(incoming.headers),
              Buffer.concat(chunks),
            ),
          );
        });
      },
    );
    outgoing.once('error', (error) =>
      reject(outgoing.reusedSocket ? Object.assign(error, { [reusedConnection]: true }) : error),
    );
    outgoing.end(init.body);
  });
}

class BufferedResponse implements FetcherResponse {
  readonly redirected = false;
  private used = false;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    readonly headers: ResponseHeaders,
    private readonly body: Buffer,
  ) {}

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  async text(): Promise<string> {
    this.used = true;
    return this.body.toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    this.used = true;
    const copy = new ArrayBuffer(this.body.byteLength);
    new Uint8Array(copy).set(this.body);
    return copy;
  }

  clone(): FetcherResponse {
    return new BufferedResponse(
      this.url,
      this.status,
      this.statusText,
      new ResponseHeaders(this.headers.record()),
      this.body,
    );
  }
}

/** An answer's headers, by lower-case name, repeated ones joined with ", " as fetch does. */
class ResponseHeaders implements FetcherHeaders {
  private readonly values_ = new Map<string, string>();

  constructor(headers: IncomingHttpHeaders) {
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined)
        this.values_.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
  }

  record(): IncomingHttpHeaders {
    return Object.fromEntries(this.values_);
  }

  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const previous = this.values_.get(key);
    this.values_.set(key, previous === undefined ? value : `${previous}, ${value}`);
  }

  delete(name: string): void {
    this.values_.delete(name.toLowerCase());
  }

  get(name: string): string | null {
    return this.values_.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.values_.has(name.toLowerCase());
  }

  set(name: string, value: string): void {
    this.values_.set(name.toLowerCase(), value);
  }

  entries(): IterableIterator<[string, string]> {
    return this.values_.entries();
  }

  keys(): IterableIterator<string> {
    return this.values_.keys();
  }

  values(): IterableIterator<string> {
    return this.values_.values();
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.values_.entries();
  }
}
