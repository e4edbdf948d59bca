import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from '@jest/globals';
import { clientAddressOf, SocketCounts } from '../src/subscriptions/socketLimits.ts';

/** Counting sockets per key, and whose address a socket counts against. */

function upgrade(peer: string, forwardedFor?: string): IncomingMessage {
  return {
    socket: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  } as unknown as IncomingMessage;
}

describe('socket counts', () => {
  it('takes up to the limit per key, and one more once one closed', () => {
    const counts = new SocketCounts(2);
    expect(counts.tryAdd('a')).toBe(true);
    expect(counts.tryAdd('a')).toBe(true);
    expect(counts.tryAdd('a')).toBe(false);
    expect(counts.tryAdd('b')).toBe(true);
    counts.remove('a');
    expect(counts.tryAdd('a')).toBe(true);
    expect(counts.of('a')).toBe(2);
  });

  it('forgets a key whose sockets all closed', () => {
    const counts = new SocketCounts(5);
    counts.tryAdd('a');
    counts.tryAdd('a');
    counts.remove('a');
    counts.remove('a');
    expect(counts.keys).toBe(0);
    expect(counts.of('a')).toBe(0);
  });
});

describe('the client address of a socket', () => {
  it('is the TCP peer unless a proxy is trusted, whatever x-forwarded-for says', () => {
    expect(clientAddressOf(upgrade('10.0.0.5', '203.0.113.9'), false)).toBe('10.0.0.5');
  });

  it('is the right-most x-forwarded-for entry behind the trusted proxy, as express takes it', async () => {
    // A client that writes its own x-forwarded-for gets the proxy's entry appended after it.
    const spoofed = ' 203.0.113.9 , 198.51.100.7';
    expect(clientAddressOf(upgrade('10.0.0.5', spoofed), true)).toBe('198.51.100.7');
    expect(clientAddressOf(upgrade('10.0.0.5'), true)).toBe('10.0.0.5');

    const app = express();
    app.set('trust proxy', 1);
    app.get('/', (request, response) => {
      response.json({ express: request.ip, socket: clientAddressOf(request, true) });
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const answer = await fetch(`http://127.0.0.1:${port}/`, {
        headers: { 'x-forwarded-for': spoofed },
      });
      expect(await answer.json()).toEqual({ express: '198.51.100.7', socket: '198.51.100.7' });
    } finally {
      server.close();
    }
  });
});
