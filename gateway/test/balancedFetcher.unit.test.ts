import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CodedError } from '@cashtrack/platform';
import { freePort } from '@cashtrack/test-support';
import { balancedFetcher } from '../src/replicas/balancedFetcher.ts';
import { ReplicaPool } from '../src/replicas/replicaPool.ts';

/** Reads every request, then drops the connection without an answer: a replica dying mid-request. */
let droppingServer: Server;
let droppingUrl: string;

beforeAll(async () => {
  droppingServer = createServer((request) => {
    request.resume();
    request.on('end', () => request.socket.destroy());
  });
  await new Promise<void>((resolve) => droppingServer.listen(0, '127.0.0.1', resolve));
  droppingUrl = `http://127.0.0.1:${(droppingServer.address() as AddressInfo).port}/graphql`;
});

/**
 * Answers the first request on each connection and keeps it open, then drops that connection as
 * the next request on it arrives, unread: a replica closing an idle keep-alive connection just as
 * the gateway reuses it.
 */
let idleClosingServer: Server;
let idleClosingUrl: string;
let idleClosingRequests = 0;

beforeAll(async () => {
  const answered = new WeakSet<object>();
  idleClosingServer = createServer((request, response) => {
    idleClosingRequests += 1;
    if (answered.has(request.socket)) {
      request.socket.destroy();
      return;
    }
    answered.add(request.socket);
    request.resume();
    request.on('end', () => response.end(JSON.stringify({ data: { ok: true } })));
  });
  await new Promise<void>((resolve) => idleClosingServer.listen(0, '127.0.0.1', resolve));
  idleClosingUrl = `http://127.0.0.1:${(idleClosingServer.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => droppingServer.close(() => resolve()));
  idleClosingServer.closeAllConnections();
  await new Promise<void>((resolve) => idleClosingServer.close(() => resolve()));
});

const post = (query: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ query }),
});

async function failureOf(promise: Promise<unknown>): Promise<CodedError> {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof CodedError))
    throw new Error(`expected a CodedError, got ${String(error)}`);
  return error;
}

describe('a subgraph with no replica answering', () => {
  it('is SERVICE_UNAVAILABLE, naming the subgraph, once every replica refused', async () => {
    const refusing = [
      `http://127.0.0.1:${await freePort()}/graphql`,
      `http://127.0.0.1:${await freePort()}/graphql`,
    ];
    const fetcher = balancedFetcher('expense', new ReplicaPool(refusing));

    const error = await failureOf(fetcher(refusing[0] ?? '', post('{ expenses { id } }')));

    expect(error.code).toBe('SERVICE_UNAVAILABLE');
    expect(error.details).toEqual({ service: 'expense', changeMayHaveBeenMade: false });
  });

  it('says a mutation whose answer was lost may have been made, and does not send it again', async () => {
    let requests = 0;
    droppingServer.on('request', () => (requests += 1));
    const fetcher = balancedFetcher('expense', new ReplicaPool([droppingUrl, droppingUrl]));

    const error = await failureOf(
      fetcher(droppingUrl, post('mutation { logExpense(text: "tea 3") { id } }')),
    );

    expect(error.code).toBe('SERVICE_UNAVAILABLE');
    expect(error.details).toEqual({ service: 'expense', changeMayHaveBeenMade: true });
    expect(requests).toBe(1);
  });
});

describe('a replica that closed the keep-alive connection the gateway reuses', () => {
  const query = post('{ expenses { id } }');

  it('answers a query sent again on another connection to the same replica', async () => {
    const fetcher = balancedFetcher('expense', new ReplicaPool([idleClosingUrl]));
    // Leaves a connection that has answered once in the keep-alive pool.
    await fetcher(idleClosingUrl, query);
    const before = idleClosingRequests;

    const answer = await fetcher(idleClosingUrl, query);

    expect(await answer.json()).toEqual({ data: { ok: true } });
    expect(idleClosingRequests - before).toBe(2);
  });

  it('does not send a mutation again: its change may have been made', async () => {
    const fetcher = balancedFetcher('expense', new ReplicaPool([idleClosingUrl]));
    await fetcher(idleClosingUrl, query);
    const before = idleClosingRequests;

    const error = await failureOf(
      fetcher(idleClosingUrl, post('mutation { deleteExpense(id: "a") }')),
    );

    expect(error.code).toBe('SERVICE_UNAVAILABLE');
    expect(error.details).toEqual({ service: 'expense', changeMayHaveBeenMade: true });
    expect(idleClosingRequests - before).toBe(1);
  });
});
