import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { keepAliveFetch } from '../src/replicas/keepAliveFetch.ts';

/**
 * A server closes an idle keep-alive connection after its `keepAliveTimeout`; reusing one just
 * then fails the request, and a mutation is never sent twice. The transport must let go of an
 * idle connection before the time the server announced.
 */
describe('keepAliveFetch', () => {
  let server: Server;
  let url: string;
  let connections = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.end('{"data":{}}'));
    });
    // Announced as `Keep-Alive: timeout=2`: the transport may keep the connection 1 s.
    server.keepAliveTimeout = 2_000;
    server.on('connection', () => {
      connections += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const post = () => keepAliveFetch(url, { method: 'POST', body: '{"query":"mutation { x }"}' });

  it('reuses a connection while it is fresh', async () => {
    const before = connections;
    await post();
    await post();
    expect(connections - before).toBe(1);
  });

  it("opens a new connection once an idle one nears the server's announced keep-alive", async () => {
    await post();
    const before = connections;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const answer = await post();
    expect(answer.status).toBe(200);
    expect(connections - before).toBe(1);
  });
});
