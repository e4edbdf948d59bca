import type { IncomingMessage } from 'node:http';

/** What one client may hold open on the gateway's WebSocket endpoint. */
export interface SocketLimits {
  /** `GATEWAY_WS_MAX_PAYLOAD_BYTES`, default 100 000: a larger frame closes the socket with 1009. */
  readonly maxPayloadBytes: number;
  /**
   * `GATEWAY_WS_MAX_SUBSCRIPTIONS_PER_SOCKET`, default 10: operations running at once on one
   * socket; one more is answered with `TOO_MANY_SUBSCRIPTIONS` and the socket stays open.
   */
  readonly maxSubscriptionsPerSocket: number;
  /**
   * `GATEWAY_WS_MAX_SOCKETS_PER_ADDRESS`, default 100: sockets open from one client address,
   * authenticated or not; one more is closed with 4430. High enough for many people behind one NAT.
   */
  readonly maxSocketsPerAddress: number;
  /**
   * `GATEWAY_WS_MAX_SOCKETS_PER_USER`, default 10: authenticated sockets of one user (phones,
   * tabs); one more is closed with 4431 at `connection_init`.
   */
  readonly maxSocketsPerUser: number;
}

export const defaultSocketLimits: SocketLimits = {
  maxPayloadBytes: 100_000,
  maxSubscriptionsPerSocket: 10,
  maxSocketsPerAddress: 100,
  maxSocketsPerUser: 10,
};

/**
 * Open sockets per key (a client address, a user id) against one ceiling. Keys at zero are
 * forgotten, so the map holds only keys with sockets open now.
 */
export class SocketCounts {
  private readonly counts = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Counts one more socket for `key` and answers true, or answers false and counts nothing. */
  tryAdd(key: string): boolean {
    const count = this.counts.get(key) ?? 0;
    if (count >= this.max) return false;
    this.counts.set(key, count + 1);
    return true;
  }

  /** One socket of `key` closed. */
  remove(key: string): void {
    const count = (this.counts.get(key) ?? 0) - 1;
    if (count > 0) this.counts.set(key, count);
    else this.counts.delete(key);
  }

  of(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** Keys with at least one socket open. */
  get keys(): number {
    return this.counts.size;
  }
}

/**
 * The client's address as express works it out for HTTP requests (`trust proxy` set to one hop),
 * so a socket and a request from the same client count against the same address: behind the one
 * trusted proxy, the right-most `x-forwarded-for` entry, which that proxy appended; otherwise the
 * TCP peer. Entries left of it are whatever the client wrote and never count.
 */
export function clientAddressOf(request: IncomingMessage, trustProxy: boolean): string {
  const peer = request.socket.remoteAddress ?? 'unknown';
  if (!trustProxy) return peer;
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : header)?.split(',').at(-1)?.trim();
  return forwarded === undefined || forwarded === '' ? peer : forwarded;
}
