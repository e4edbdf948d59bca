import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { buildSchema } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket, { WebSocketServer } from 'ws';
import { createLogger, waitFor } from '@cashtrack/platform';
import { serveGraphQLWs, type GraphQLWsServerOptions } from '@cashtrack/platform/graphql';

const schema = buildSchema(`
  type Query { hello: String }
  type Subscription { ticks: Int }
`);
const roots = {
  query: { hello: () => 'world' },
  subscription: {
    ticks: async function* ticks() {
      for (let tick = 1; tick <= 2; tick += 1) yield { ticks: tick };
    },
  },
};

const running: { server: Server; dispose(): Promise<void> }[] = [];

async function start(
  keepAliveMs: number,
  options: Pick<GraphQLWsServerOptions<object>, 'maxPayloadBytes' | 'admit'> = {},
): Promise<string> {
  const server = createServer();
  const webSocketServer = new WebSocketServer({ server, path: '/graphql' });
  const graphqlWs = serveGraphQLWs(
    webSocketServer,
    { schema, roots },
    { extra: () => ({}), keepAliveMs, log: createLogger('graphql-ws-test'), ...options },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  running.push({ server, dispose: () => graphqlWs.dispose() });
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

afterEach(async () => {
  for (const started of running.splice(0)) {
    await started.dispose();
    await new Promise<void>((resolve) => started.server.close(() => resolve()));
  }
});

describe('serveGraphQLWs', () => {
  it('runs subscriptions over graphql-transport-ws', async () => {
    const url = await start(0);
    const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0 });
    const heard: unknown[] = [];
    for await (const result of client.iterate({ query: 'subscription { ticks }' })) {
      heard.push(result.data);
    }
    expect(heard).toEqual([{ ticks: 1 }, { ticks: 2 }]);
    await client.dispose();
  });

  it('terminates a socket that stops answering pings, and keeps one that answers', async () => {
    const url = await start(50);
    const open = (autoPong: boolean) => {
      const socket = new WebSocket(url, 'graphql-transport-ws', { autoPong });
      const closes: number[] = [];
      socket.on('close', (code) => closes.push(code));
      return { socket, closes };
    };
    const silent = open(false);
    const answering = open(true);
    await waitFor(() => silent.closes.length > 0, { description: 'the silent socket to go' });
    expect(silent.closes).toEqual([1006]);
    expect(answering.closes).toEqual([]);
    expect(answering.socket.readyState).toBe(WebSocket.OPEN);
    answering.socket.close();
  });

  it('closes a socket whose frame passes the payload limit with 1009, 1 MiB unless told', async () => {
    const closeCodeAfterSending = async (url: string, bytes: number): Promise<number | 'open'> => {
      const socket = new WebSocket(url, 'graphql-transport-ws');
      socket.on('error', () => undefined);
      const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
      await new Promise((resolve) => socket.on('open', resolve));
      socket.send(JSON.stringify({ type: 'ping', payload: { pad: 'x'.repeat(bytes) } }));
      const outcome = await Promise.race([
        closed,
        new Promise<'open'>((resolve) => setTimeout(() => resolve('open'), 300)),
      ]);
      socket.close();
      return outcome;
    };
    const byDefault = await start(0);
    expect(await closeCodeAfterSending(byDefault, 2 * 1024 * 1024)).toBe(1009);
    expect(await closeCodeAfterSending(byDefault, 900 * 1024)).toBe('open');
    const small = await start(0, { maxPayloadBytes: 1_000 });
    expect(await closeCodeAfterSending(small, 2_000)).toBe(1009);
  });

  it('closes a socket the admit hook refuses with its code, before graphql-ws sees it', async () => {
    const url = await start(0, { admit: () => ({ code: 4430, reason: 'Not you' }) });
    const socket = new WebSocket(url, 'graphql-transport-ws');
    const closure = await new Promise<{ code: number; reason: string }>((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
    expect(closure).toEqual({ code: 4430, reason: 'Not you' });
  });
});
