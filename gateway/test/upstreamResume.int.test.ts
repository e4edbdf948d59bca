import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { buildSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { waitFor } from '@cashtrack/platform';
import { testSubgraphSecret } from '@cashtrack/test-support';
import { ReplicaPool } from '../src/replicas/replicaPool.ts';
import {
  UpstreamSubscriptions,
  type UpstreamEvent,
} from '../src/subscriptions/upstreamSubscriptions.ts';

const schema = buildSchema(`
  type Query { ok: Boolean }
  type Tick { cursor: String! }
  type Subscription { ticks(after: String): Tick! }
`);

/**
 * A subgraph stand-in over real sockets: `ticks(after)` streams every cursor logged after `after`
 * (all from now without it), and each subscription's `after` is recorded.
 */
async function startTickServer() {
  const logged: string[] = [];
  const subscribedAfter: (string | null)[] = [];
  const wakers = new Set<() => void>();
  const log = (cursor: string): void => {
    logged.push(cursor);
    for (const wake of wakers) wake();
  };
  async function* ticks({ after }: { after?: string | null }) {
    subscribedAfter.push(after ?? null);
    let next = after == null ? logged.length : logged.indexOf(after) + 1;
    for (;;) {
      while (next < logged.length) {
        yield { ticks: { cursor: logged[next] } };
        next += 1;
      }
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          wakers.delete(wake);
          resolve();
        };
        wakers.add(wake);
      });
    }
  }
  const server: Server = createServer();
  const sockets = new WebSocketServer({ server, path: '/graphql' });
  const cleanup = useServer({ schema, roots: { subscription: { ticks } } }, sockets);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    log,
    subscribedAfter,
    dropSockets: () => sockets.clients.forEach((socket) => socket.terminate()),
    async close() {
      await cleanup.dispose();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const cursorOfEvent = (step: IteratorResult<UpstreamEvent, undefined>): unknown =>
  step.done === true ? undefined : (step.value.data?.ticks as { cursor?: unknown }).cursor;

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

describe('an upstream subscription whose subgraph socket is lost', () => {
  it('subscribes again after the last cursor it heard: no gap, no repeat', async () => {
    const server = await startTickServer();
    const upstream = new UpstreamSubscriptions(
      new Map([['ticks', new ReplicaPool([server.url])]]),
      testSubgraphSecret,
    );
    cleanups.push(
      () => server.close(),
      () => upstream.dispose(),
    );
    const events = upstream.subscribe('ticks', {
      query: 'subscription ($after: String) { ticks(after: $after) { cursor } }',
      variables: { after: null },
      authorization: 'Bearer test',
      resume: { field: 'ticks', variable: 'after' },
    });
    cleanups.push(async () => void (await events.return?.()));
    await waitFor(() => server.subscribedAfter.length === 1, { description: 'the subscription' });
    server.log('c1');
    server.log('c2');
    expect(cursorOfEvent(await events.next())).toBe('c1');
    expect(cursorOfEvent(await events.next())).toBe('c2');

    server.dropSockets();
    await waitFor(() => server.subscribedAfter.length === 2, {
      timeoutMs: 15_000,
      description: 'the subscription again on a new socket',
    });
    server.log('c3');
    expect(server.subscribedAfter).toEqual([null, 'c2']);
    expect(cursorOfEvent(await events.next())).toBe('c3');
  }, 30_000);
});
