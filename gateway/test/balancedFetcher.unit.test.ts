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

afterAll(async () => {
  await new Promise<void>((resolve) => droppingServer.close(() => resolve()));
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
