import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'graphql';
import WebSocket from 'ws';
import { createLogger } from '@cashtrack/platform';
import { type SubgraphContext } from '@cashtrack/platform/graphql';
import { startHttpServer, type RunningHttpServer } from '../src/http/httpServer.ts';
import { subgraphGraphQL } from '../src/graphql/subgraphServer.ts';
import { gatewaySignedHeaders } from '../../test-support/gatewaySigning.ts';
import { errorCodes, postGraphQL } from '../../test-support/postGraphQL.ts';

/** A subgraph that says which client address it believes, and has a list that nests. */
const typeDefs = parse(`
  type Item { id: ID!, children(first: Int): [Item!]! }
  type Query { clientAddress: String!, item: Item }
  type Subscription { ticks: Int }
`);
const resolvers = {
  Query: {
    clientAddress: (_: unknown, __: unknown, context: SubgraphContext) => context.clientAddress,
    item: () => ({ id: '1' }),
  },
  Item: {
    children: (_: unknown, { first }: { first?: number }) =>
      Array.from({ length: first ?? 1 }, (__, index) => ({ id: String(index) })),
  },
  Subscription: {
    ticks: {
      subscribe: async function* ticks() {
        yield { ticks: 1 };
      },
    },
  },
};

let subgraph: RunningHttpServer;

beforeAll(async () => {
  const logger = createLogger('signature-test');
  subgraph = await startHttpServer({
    port: 0,
    isReady: () => Promise.resolve(true),
    routes: {
      '/.well-known/jwks.json': (_request, response) => {
        response.end('{"keys":[]}');
        return Promise.resolve();
      },
    },
    mount: subgraphGraphQL({
      typeDefs,
      resolvers,
      host: '127.0.0.1',
      verifier: { verify: () => Promise.reject(new Error('no tokens in this test')) },
      maxBodyBytes: 10_000,
      subscriptions: true,
      limits: {
        maxDepth: 5,
        maxAliases: 3,
        maxCost: 300,
        maxTokens: 500,
        maxDirectives: 3,
        maxRepresentations: 10,
      },
      logger,
    }),
    logger,
  });
});

afterAll(async () => {
  await subgraph.close();
});

/** POSTs a body with the given extra headers, unsigned unless they sign it. */
async function rawPost(headers: Record<string, string>, body: string) {
  const response = await fetch(`${subgraph.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const answer = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
  return { status: response.status, codes: (answer.errors ?? []).map((e) => e.extensions?.code) };
}

describe('a subgraph answers only the gateway', () => {
  const body = JSON.stringify({ query: '{ clientAddress }' });
  const url = () => `${subgraph.url}/graphql`;

  it('refuses an unsigned request with 401 GATEWAY_SIGNATURE_REQUIRED', async () => {
    expect(await rawPost({ 'x-forwarded-for': '203.0.113.9' }, body)).toEqual({
      status: 401,
      codes: ['GATEWAY_SIGNATURE_REQUIRED'],
    });
  });

  it('refuses a badly signed request with 401 GATEWAY_SIGNATURE_INVALID', async () => {
    const otherSecret = gatewaySignedHeaders(url(), {
      body,
      secret: 'not-the-shared-secret-but-long-enough-to-be-one',
    });
    expect(await rawPost(otherSecret, body)).toEqual({
      status: 401,
      codes: ['GATEWAY_SIGNATURE_INVALID'],
    });
    const forOtherBody = gatewaySignedHeaders(url(), { body: '{"query":"{ item { id } }"}' });
    expect(await rawPost(forOtherBody, body)).toEqual({
      status: 401,
      codes: ['GATEWAY_SIGNATURE_INVALID'],
    });
  });

  it('refuses a request replayed after the allowed skew with 401 GATEWAY_SIGNATURE_EXPIRED', async () => {
    const old = gatewaySignedHeaders(url(), { body, nowMs: Date.now() - 31_000 });
    expect(await rawPost(old, body)).toEqual({
      status: 401,
      codes: ['GATEWAY_SIGNATURE_EXPIRED'],
    });
  });

  it('answers a signed request', async () => {
    expect(await rawPost(gatewaySignedHeaders(url(), { body }), body)).toEqual({
      status: 200,
      codes: [],
    });
  });

  it('refuses a body over the limit with 413 before reading its signature', async () => {
    const large = JSON.stringify({ query: `{ clientAddress } # ${'x'.repeat(20_000)}` });
    const response = await fetch(url(), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...gatewaySignedHeaders(url(), { body: large }),
      },
      body: large,
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: 'request body too large' });
  });

  it('answers a signed body that is not JSON with 400', async () => {
    const broken = '{"query": ';
    const response = await fetch(url(), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...gatewaySignedHeaders(url(), { body: broken }),
      },
      body: broken,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'request body is not valid JSON' });
  });

  it("echoes the caller's correlation id, or a fresh one", async () => {
    const signed = gatewaySignedHeaders(url(), { body });
    const headers = { 'content-type': 'application/json', ...signed };
    const echoed = await fetch(url(), {
      method: 'POST',
      headers: { ...headers, 'x-correlation-id': 'from-the-gateway-1' },
      body,
    });
    expect(echoed.headers.get('x-correlation-id')).toBe('from-the-gateway-1');
    const fresh = await fetch(url(), { method: 'POST', headers, body });
    expect(fresh.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps health, readiness and extra routes (the JWKS) unsigned', async () => {
    for (const path of ['/health', '/ready', '/.well-known/jwks.json']) {
      expect((await fetch(`${subgraph.url}${path}`)).status).toBe(200);
    }
  });
});

describe('the client address a subgraph believes', () => {
  it('is the one the gateway signed, never X-Forwarded-For', async () => {
    const answer = await postGraphQL(
      subgraph.url,
      '{ clientAddress }',
      {},
      { clientAddress: '198.51.100.4', headers: { 'x-forwarded-for': '203.0.113.9' } },
    );
    expect(answer.data).toEqual({ clientAddress: '198.51.100.4' });
  });

  it('is the socket address when the gateway vouched for none, whatever X-Forwarded-For says', async () => {
    const answer = await postGraphQL<{ clientAddress: string }>(
      subgraph.url,
      '{ clientAddress }',
      {},
      { headers: { 'x-forwarded-for': '203.0.113.9' } },
    );
    expect(answer.data?.clientAddress).toMatch(/127\.0\.0\.1$/);
  });

  it('cannot be changed on a signed request', async () => {
    const body = JSON.stringify({ query: '{ clientAddress }' });
    const signed = gatewaySignedHeaders(`${subgraph.url}/graphql`, {
      body,
      clientAddress: '198.51.100.4',
    });
    const swapped = { ...signed, 'x-cashtrack-client-address': '203.0.113.9' };
    expect((await rawPost(swapped, body)).codes).toEqual(['GATEWAY_SIGNATURE_INVALID']);
  });
});

describe('the operation limits of a subgraph', () => {
  const cases: [string, string, Record<string, unknown>][] = [
    [
      'QUERY_TOO_DEEP',
      '{ item { children { children { children { children { children { id } } } } } } }',
      {},
    ],
    ['TOO_MANY_ALIASES', '{ a: item { id } b: item { id } c: item { id } d: item { id } }', {}],
    [
      'QUERY_TOO_COSTLY',
      'query ($n: Int) { item { children(first: $n) { children(first: $n) { id } } } }',
      { n: 100 },
    ],
    [
      'TOO_MANY_DIRECTIVES',
      '{ item @skip(if: false) { id @skip(if: false) children @skip(if: false) { id @skip(if: false) } } }',
      {},
    ],
  ];
  it.each(cases)('answers %s with HTTP 400', async (code, query, variables) => {
    const answer = await postGraphQL(subgraph.url, query, variables);
    expect({ status: answer.status, codes: errorCodes(answer) }).toEqual({
      status: 400,
      codes: [code],
    });
    expect(answer.errors[0]?.extensions).not.toHaveProperty('http');
  });

  it('answers what fits', async () => {
    const answer = await postGraphQL(
      subgraph.url,
      'query ($n: Int) { item { children(first: $n) { id } } }',
      { n: 3 },
    );
    expect(answer.status).toBe(200);
    expect(answer.data).toEqual({ item: { children: [{ id: '0' }, { id: '1' }, { id: '2' }] } });
  });
});

describe('subscription sockets of a subgraph', () => {
  const wsUrl = () => `${subgraph.url.replace(/^http/, 'ws')}/graphql`;

  /** The HTTP status an upgrade attempt ended with: 101 when the socket opened. */
  function upgradeStatus(headers: Record<string, string>): Promise<number> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(wsUrl(), 'graphql-transport-ws', { headers });
      socket.once('open', () => {
        socket.close();
        resolve(101);
      });
      socket.once('unexpected-response', (_request, response) => {
        resolve(response.statusCode ?? 0);
        socket.terminate();
      });
      socket.once('error', reject);
    });
  }

  it('refuses an unsigned or expired upgrade with 401 and opens a signed one', async () => {
    const signed = (nowMs?: number) =>
      gatewaySignedHeaders(`${subgraph.url}/graphql`, { method: 'GET', nowMs });
    expect(await upgradeStatus({})).toBe(401);
    expect(await upgradeStatus(signed(Date.now() - 60_000))).toBe(401);
    expect(await upgradeStatus(signed())).toBe(101);
  });
});
