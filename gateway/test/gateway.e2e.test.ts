import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { gatewaySignedHeaders } from '@cashtrack/test-support';
import { gatewayClient, gql } from './support/apolloClient.ts';
import { readGatewayConfig } from '../src/config.ts';
import { startGatewayFor, startSystem, type RunningSystem } from './support/system.ts';

interface AuthPayload {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: string;
  user: { id: string; email: string; displayName: string };
}

const signUp = gql`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      accessToken
      refreshToken
      accessTokenExpiresAt
      user {
        id
        email
        displayName
      }
    }
  }
`;
const logIn = gql`
  mutation LogIn($input: LogInInput!) {
    logIn(input: $input) {
      accessToken
      refreshToken
      user {
        id
      }
    }
  }
`;
const refreshSession = gql`
  mutation Refresh($refreshToken: String!) {
    refreshSession(refreshToken: $refreshToken) {
      accessToken
      refreshToken
    }
  }
`;
const logOut = gql`
  mutation LogOut($refreshToken: String!) {
    logOut(refreshToken: $refreshToken)
  }
`;
const me = gql`
  query Me {
    me {
      id
      email
      displayName
      currency
      timezone
    }
  }
`;

let system: RunningSystem;
let sequence = 0;

async function newUser(): Promise<AuthPayload> {
  sequence += 1;
  const answer = await gatewayClient(system.graphqlUrl).mutate<{ signUp: AuthPayload }>(signUp, {
    input: {
      email: `Person${sequence}.${Date.now()}@Example.com `,
      password: 'correct horse battery',
      displayName: `Person ${sequence}`,
    },
  });
  expect(answer.codes).toEqual([]);
  if (answer.data === null || answer.data === undefined) throw new Error('no sign-up');
  return answer.data.signUp;
}

beforeAll(async () => {
  system = await startSystem();
});

afterAll(async () => {
  await system.stop();
});

describe('the gateway, with Apollo Client', () => {
  it('signs up, answers me at once, logs in, refreshes and logs out', async () => {
    const session = await newUser();
    expect(session.user.email).toMatch(/^person\d+\.\d+@example\.com$/);

    const profile = await gatewayClient(system.graphqlUrl, session.accessToken).query<{
      me: Record<string, string>;
    }>(me);
    expect(profile.codes).toEqual([]);
    expect(profile.data?.me).toEqual({
      __typename: 'User',
      id: session.user.id,
      email: session.user.email,
      displayName: session.user.displayName,
      currency: 'USD',
      timezone: 'UTC',
    });

    const loggedIn = await gatewayClient(system.graphqlUrl).mutate<{ logIn: AuthPayload }>(logIn, {
      input: { email: session.user.email, password: 'correct horse battery' },
    });
    expect(loggedIn.data?.logIn.user.id).toBe(session.user.id);

    const refreshed = await gatewayClient(system.graphqlUrl).mutate<{
      refreshSession: AuthPayload;
    }>(refreshSession, { refreshToken: session.refreshToken });
    expect(refreshed.codes).toEqual([]);
    const next = refreshed.data?.refreshSession;
    expect(next?.refreshToken).not.toBe(session.refreshToken);

    const loggedOut = await gatewayClient(system.graphqlUrl, next?.accessToken).mutate<{
      logOut: boolean;
    }>(logOut, {
      refreshToken: next?.refreshToken,
    });
    expect(loggedOut.data?.logOut).toBe(true);
    const afterLogOut = await gatewayClient(system.graphqlUrl).mutate(refreshSession, {
      refreshToken: next?.refreshToken,
    });
    expect(afterLogOut.codes).toEqual(['INVALID_REFRESH_TOKEN']);
  });

  it('resolves AuthPayload.user from the user subgraph even when accessToken is not selected', async () => {
    sequence += 1;
    const answer = await gatewayClient(system.graphqlUrl).mutate<{
      signUp: { user: { displayName: string; currency: string } };
    }>(
      gql`
        mutation ($input: SignUpInput!) {
          signUp(input: $input) {
            user {
              displayName
              currency
            }
          }
        }
      `,
      {
        input: {
          email: `only.user${sequence}@example.com`,
          password: 'correct horse battery',
          displayName: 'Only User',
        },
      },
    );
    expect(answer.codes).toEqual([]);
    expect(answer.data?.signUp.user).toMatchObject({ displayName: 'Only User', currency: 'USD' });
    expect(JSON.stringify(answer)).not.toContain('issuedAccessToken');
  });

  it('answers UNAUTHENTICATED with HTTP 401 without a token or with a bad one', async () => {
    const anonymous = await gatewayClient(system.graphqlUrl).query(me);
    expect(anonymous.status).toBe(401);
    expect(anonymous.codes).toEqual(['UNAUTHENTICATED']);

    const session = await newUser();
    const tampered = `${session.accessToken.slice(0, -4)}AAAA`;
    const forged = await gatewayClient(system.graphqlUrl, tampered).query(me);
    expect(forged.status).toBe(401);
    expect(forged.codes).toEqual(['UNAUTHENTICATED']);

    const mixed = await gatewayClient(system.graphqlUrl).query(gql`
      mutation {
        logIn(input: { email: "a@b.co", password: "whatever1" }) {
          accessToken
        }
        logOut(refreshToken: "x")
      }
    `);
    expect(mixed.codes).toEqual(['UNAUTHENTICATED']);
  });

  it('lets refreshSession through with an expired or missing access token', async () => {
    const session = await newUser();
    const answer = await gatewayClient(system.graphqlUrl, 'not-a-jwt').mutate(refreshSession, {
      refreshToken: session.refreshToken,
    });
    expect(answer.codes).toEqual([]);
  });
});

describe('calls that bypass the gateway', () => {
  it('are refused unless the gateway signed them', async () => {
    const session = await newUser();
    const response = await fetch(`${system.identity.user.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${session.accessToken}`,
      },
      body: JSON.stringify({ query: '{ me { id email } }' }),
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual([
      'GATEWAY_SIGNATURE_REQUIRED',
    ]);
  });

  it('reach no data without a token even when signed, whatever headers claim', async () => {
    const session = await newUser();
    const url = `${system.identity.user.url}/graphql`;
    const requestBody = JSON.stringify({ query: '{ me { id email } }' });
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-user-id': session.user.id,
        ...gatewaySignedHeaders(url, { body: requestBody }),
      },
      body: requestBody,
    });
    const body = (await response.json()) as {
      data?: { me: unknown } | null;
      errors?: { extensions?: { code?: string } }[];
    };
    expect(body.data?.me ?? null).toBeNull();
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('abuse limits', () => {
  let token: string;
  beforeAll(async () => {
    token = (await newUser()).accessToken;
  });

  it('refuses too many aliases with TOO_MANY_ALIASES', async () => {
    const aliases = Array.from({ length: 20 }, (_, index) => `a${index}: me { id }`).join(' ');
    const answer = await gatewayClient(system.graphqlUrl, token).query(gql(`{ ${aliases} }`));
    expect(answer.codes).toContain('TOO_MANY_ALIASES');
  });

  it('refuses a deep query with QUERY_TOO_DEEP', async () => {
    const deep = await gatewayClient(system.graphqlUrl, token).query(
      gql(`{ me { ${'... on User { '.repeat(12)} id ${'} '.repeat(12)} } }`),
    );
    expect(deep.codes).toContain('QUERY_TOO_DEEP');
  });

  it('answers every limit error with HTTP 400, not 500', async () => {
    const aliases = Array.from({ length: 20 }, (_, index) => `a${index}: me { id }`).join(' ');
    const queries = [
      `{ ${aliases} }`,
      `{ me { ${'... on User { '.repeat(12)} id ${'} '.repeat(12)} } }`,
      `{ me { ${'id @skip(if: false) '.repeat(25)} } }`,
    ];
    for (const query of queries) {
      const response = await fetch(system.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query }),
      });
      const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
      expect({ status: response.status, code: body.errors?.[0]?.extensions?.code }).toEqual({
        status: 400,
        code: expect.stringMatching(/^(TOO_MANY_ALIASES|QUERY_TOO_DEEP|TOO_MANY_DIRECTIVES)$/),
      });
    }
  });

  it('refuses a query whose static cost is over the limit with QUERY_TOO_COSTLY', async () => {
    const strict = await startGatewayFor(system.identity, {
      gateway: { limits: { ...readGatewayConfig().limits, maxCost: 40 } },
    });
    try {
      const wide = Array.from(
        { length: 6 },
        (_, index) => `c${index}: me { id email displayName currency timezone }`,
      ).join(' ');
      const answer = await gatewayClient(strict.url, token).query(gql(`{ ${wide} }`));
      expect(answer.codes).toEqual(['QUERY_TOO_COSTLY']);
      const cheap = await gatewayClient(strict.url, token).query(gql('{ me { id } }'));
      expect(cheap.codes).toEqual([]);
    } finally {
      await strict.stop();
    }
  });

  it('refuses a body over the size limit with 413 PAYLOAD_TOO_LARGE', async () => {
    const response = await fetch(system.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { id } }', variables: { padding: 'x'.repeat(200_000) } }),
    });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a request a browser could send cross-site (CSRF prevention)', async () => {
    const response = await fetch(
      `${system.graphqlUrl}?query=${encodeURIComponent('{ me { id } }')}`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    expect(response.status).toBe(400);
  });

  it('refuses batched requests', async () => {
    const response = await fetch(system.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]),
    });
    expect(response.status).toBe(400);
  });
});

describe('rate limits', () => {
  it('answers RATE_LIMITED with HTTP 429 and Retry-After once a user has spent the burst', async () => {
    const limited = await startGatewayFor(system.identity, {
      gateway: {
        rateLimits: {
          perUser: { capacity: 2, refillPerSecond: 0.05 },
          perAddress: { capacity: 1_000, refillPerSecond: 1_000 },
        },
      },
    });
    try {
      const session = await newUser();
      const send = () =>
        fetch(limited.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${session.accessToken}`,
          },
          body: JSON.stringify({ query: '{ me { id } }' }),
        });
      expect((await send()).status).toBe(200);
      expect((await send()).status).toBe(200);
      const refused = await send();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const body = (await refused.json()) as {
        errors: { extensions: { code: string; retryAfterSeconds: number } }[];
      };
      expect(body.errors[0]?.extensions).toMatchObject({
        code: 'RATE_LIMITED',
        retryAfterSeconds: expect.any(Number),
      });

      const someoneElse = await newUser();
      const other = await gatewayClient(limited.url, someoneElse.accessToken).query(
        gql('{ me { id } }'),
      );
      expect(other.codes).toEqual([]);
    } finally {
      await limited.stop();
    }
  });
});

describe('HTTP surface', () => {
  it('answers /health, and /ready once every subgraph is reachable', async () => {
    const base = new URL(system.graphqlUrl);
    expect((await fetch(new URL('/health', base))).status).toBe(200);
    const ready = await fetch(new URL('/ready', base));
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as {
      subgraphs: { name: string; reachableReplicas: number }[];
    };
    expect(body.subgraphs.every((subgraph) => subgraph.reachableReplicas >= 1)).toBe(true);
  });

  it('echoes the caller correlation id', async () => {
    const response = await fetch(system.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': 'test-correlation-42' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.headers.get('x-correlation-id')).toBe('test-correlation-42');
  });

  it('serves automatic persisted queries', async () => {
    const session = await newUser();
    const query = '{ me { id } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const post = (body: object) =>
      fetch(system.graphqlUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${session.accessToken}`,
        },
        body: JSON.stringify(body),
      }).then(
        (response) =>
          response.json() as Promise<{
            data?: unknown;
            errors?: { extensions: { code: string } }[];
          }>,
      );
    const persistedQuery = { version: 1, sha256Hash };
    const unknown = await post({ extensions: { persistedQuery } });
    expect(unknown.errors?.[0]?.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post({ query, extensions: { persistedQuery } })).data).toEqual({
      me: { id: session.user.id },
    });
    expect((await post({ extensions: { persistedQuery } })).data).toEqual({
      me: { id: session.user.id },
    });
  });

  it('serves the playground page in development', async () => {
    const page = await fetch(system.graphqlUrl, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('graphiql.js');
  });

  it('in production: no playground, no introspection, no field suggestions', async () => {
    const production = await startGatewayFor(system.identity, {
      gateway: { production: true, introspection: false, playground: false },
    });
    try {
      const page = await fetch(production.url, { headers: { accept: 'text/html' } });
      expect(await page.text()).not.toContain('graphiql');
      const session = await newUser();
      const client = gatewayClient(production.url, session.accessToken);
      const introspection = await client.query(gql('{ __schema { types { name } } }'));
      expect(introspection.codes).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      const typo = await client.query(gql('{ me { displayNam } }'));
      expect(typo.errors[0]?.message).not.toMatch(/Did you mean/);
    } finally {
      await production.stop();
    }
  });
});
