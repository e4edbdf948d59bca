import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LoginThrottlePolicy } from '../../subgraphs/auth/src/domain/loginThrottle.ts';
import { startGatewayFor, startSystem, type RunningSystem } from './support/system.ts';

/** One raw POST, so a test controls headers and sees the HTTP status. */
async function post(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  data: Record<string, unknown> | null | undefined;
  errors: { message: string; extensions?: Record<string, unknown> }[];
}> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
  return { status: response.status, data: body.data, errors: body.errors ?? [] };
}

const codes = (answer: { errors: { extensions?: Record<string, unknown> }[] }) =>
  answer.errors.map((error) => error.extensions?.code);

const signUpMutation = `mutation ($input: SignUpInput!) {
  signUp(input: $input) { accessToken deviceToken user { id } } }`;
const logInMutation = `mutation ($input: LogInInput!) {
  logIn(input: $input) { accessToken deviceToken user { id } } }`;

let accounts = 0;
const newAccount = () => {
  accounts += 1;
  return {
    email: `abuse-${accounts}-${Date.now()}@example.com`,
    password: 'correct horse battery',
    displayName: `Person ${accounts}`,
  };
};

/** Long first waits, so none passes by while a test runs. */
const loginThrottle: LoginThrottlePolicy = {
  pair: { freeAttempts: 3, firstDelayMs: 30_000, maxDelayMs: 60_000, resetAfterMs: 900_000 },
  device: { freeAttempts: 3, firstDelayMs: 30_000, maxDelayMs: 60_000, resetAfterMs: 900_000 },
  address: { freeAttempts: 50, firstDelayMs: 30_000, maxDelayMs: 60_000, resetAfterMs: 900_000 },
  email: { freeAttempts: 5, firstDelayMs: 30_000, maxDelayMs: 60_000, resetAfterMs: 86_400_000 },
  signUp: { freeAttempts: 1_000_000, firstDelayMs: 1_000, maxDelayMs: 1_000, resetAfterMs: 1_000 },
};

let system: RunningSystem;

beforeAll(async () => {
  system = await startSystem({ auth: { loginThrottle }, gateway: { trustProxy: true } });
});

afterAll(async () => {
  await system.stop();
});

describe('rate limits charge each root field execution', () => {
  it('charges ten aliased signUp fields ten tokens, and limits sign-ups per address', async () => {
    const limited = await startGatewayFor(system.identity, {
      expenseUrl: `${system.expense.url}/graphql`,
      gateway: {
        trustProxy: true,
        rateLimits: {
          perUser: { capacity: 1_000, refillPerSecond: 1_000 },
          perAddress: { capacity: 12, refillPerSecond: 0.001 },
          signUpsPerAddress: { capacity: 20, refillPerSecond: 0.001 },
        },
      },
    });
    try {
      const aliased = (count: number) => {
        const fields = Array.from(
          { length: count },
          (_, index) => `a${index}: signUp(input: $i${index}) { accessToken }`,
        );
        const variables = Array.from({ length: count }, (_, index) => `$i${index}: SignUpInput!`);
        const input = Object.fromEntries(
          Array.from({ length: count }, (_, index) => [`i${index}`, newAccount()]),
        );
        return post(
          limited.url,
          `mutation (${variables.join(', ')}) { ${fields.join(' ')} }`,
          input,
          { 'x-forwarded-for': '10.20.0.1' },
        );
      };
      const ten = await aliased(10);
      expect(codes(ten)).toEqual([]);
      expect(Object.keys(ten.data ?? {})).toHaveLength(10);
      // Two tokens are left of twelve; three more sign-ups are refused as a whole, before any runs.
      const three = await aliased(3);
      expect(three.status).toBe(429);
      expect(codes(three)).toEqual(['RATE_LIMITED']);
      expect(three.data ?? null).toBeNull();
      expect(codes(await aliased(2))).toEqual([]);
      // Another address has its own bucket.
      const elsewhere = await post(
        limited.url,
        signUpMutation,
        { input: newAccount() },
        { 'x-forwarded-for': '10.20.0.2' },
      );
      expect(codes(elsewhere)).toEqual([]);
    } finally {
      await limited.stop();
    }
  });

  it('refuses sign-ups past the per-address sign-up limit while other fields go on', async () => {
    const limited = await startGatewayFor(system.identity, {
      expenseUrl: `${system.expense.url}/graphql`,
      gateway: {
        trustProxy: true,
        rateLimits: {
          perUser: { capacity: 1_000, refillPerSecond: 1_000 },
          perAddress: { capacity: 1_000, refillPerSecond: 1_000 },
          signUpsPerAddress: { capacity: 3, refillPerSecond: 1 / 3_600 },
        },
      },
    });
    try {
      const headers = { 'x-forwarded-for': '10.21.0.1' };
      const first = newAccount();
      for (const account of [first, newAccount(), newAccount()]) {
        expect(codes(await post(limited.url, signUpMutation, { input: account }, headers))).toEqual(
          [],
        );
      }
      const fourth = await post(limited.url, signUpMutation, { input: newAccount() }, headers);
      expect(fourth.status).toBe(429);
      expect(fourth.errors[0]?.extensions).toMatchObject({
        code: 'RATE_LIMITED',
        retryAfterSeconds: expect.any(Number),
      });
      expect(Number(fourth.errors[0]?.extensions?.retryAfterSeconds)).toBeGreaterThan(60);
      const logIn = await post(
        limited.url,
        logInMutation,
        { input: { email: first.email, password: first.password } },
        headers,
      );
      expect(codes(logIn)).toEqual([]);
    } finally {
      await limited.stop();
    }
  });
});

describe('log-in throttling through the gateway', () => {
  it('lets a person in from their known device while an attacker hammers their email from many addresses', async () => {
    const victim = newAccount();
    const signedUp = await post(system.graphqlUrl, signUpMutation, { input: victim });
    const deviceToken = (signedUp.data?.signUp as { deviceToken: string }).deviceToken;
    expect(deviceToken).toEqual(expect.stringMatching(/^dt1\./));

    const attack: unknown[] = [];
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const answer = await post(
        system.graphqlUrl,
        logInMutation,
        { input: { email: victim.email, password: 'wrong password!' } },
        { 'x-forwarded-for': `10.30.0.${attempt}` },
      );
      attack.push(...codes(answer));
    }
    expect(attack).toEqual([
      ...Array<string>(5).fill('INVALID_CREDENTIALS'),
      ...Array<string>(3).fill('TOO_MANY_ATTEMPTS'),
    ]);

    const fromAnUnknownClient = await post(
      system.graphqlUrl,
      logInMutation,
      { input: { email: victim.email, password: victim.password } },
      { 'x-forwarded-for': '10.31.0.1' },
    );
    expect(fromAnUnknownClient.errors[0]?.extensions).toMatchObject({
      code: 'TOO_MANY_ATTEMPTS',
      retryAfterSeconds: expect.any(Number),
    });

    const fromTheirDevice = await post(
      system.graphqlUrl,
      logInMutation,
      { input: { email: victim.email, password: victim.password, deviceToken } },
      { 'x-forwarded-for': '10.31.0.2' },
    );
    expect(codes(fromTheirDevice)).toEqual([]);
    expect(fromTheirDevice.data?.logIn).toMatchObject({
      accessToken: expect.any(String),
      user: { id: (signedUp.data?.signUp as { user: { id: string } }).user.id },
    });
  });
});

describe('input that must not reach an event', () => {
  it('answers an email with a Cyrillic letter INVALID_EMAIL, with no event details', async () => {
    const answer = await post(system.graphqlUrl, signUpMutation, {
      input: { ...newAccount(), email: `\u0430nn-${Date.now()}@example.com` },
    });
    expect(answer.errors[0]?.extensions).toMatchObject({ code: 'INVALID_EMAIL', field: 'email' });
    expect(JSON.stringify(answer)).not.toMatch(/INVALID_EVENT|UserRegistered|eventId|issues/);
  });

  it('refuses control and bidi characters in names, descriptions and message text; HTML stays text', async () => {
    const signedUp = await post(system.graphqlUrl, signUpMutation, {
      input: { ...newAccount(), displayName: '<b>Ann</b>' },
    });
    expect(codes(signedUp)).toEqual([]);
    const token = (signedUp.data?.signUp as { accessToken: string }).accessToken;
    const asUser = { authorization: `Bearer ${token}` };

    const updateProfile = await post(
      system.graphqlUrl,
      'mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { displayName } }',
      { input: { displayName: 'Ann\u202e' } },
      asUser,
    );
    expect(updateProfile.errors[0]?.extensions).toMatchObject({
      code: 'INVALID_CHARACTERS',
      field: 'displayName',
    });

    const addExpense = await post(
      system.graphqlUrl,
      'mutation ($input: ExpenseInput!) { addExpense(input: $input) { id } }',
      {
        input: {
          amount: '4.50',
          currency: 'USD',
          category: 'dining',
          description: 'coffee\u0000',
          occurredOn: new Date().toISOString().slice(0, 10),
        },
      },
      asUser,
    );
    expect(addExpense.errors[0]?.extensions).toMatchObject({
      code: 'INVALID_CHARACTERS',
      field: 'description',
    });

    const logExpense = await post(
      system.graphqlUrl,
      'mutation ($text: String!) { logExpense(text: $text) { id } }',
      { text: 'coffee 4 \u2066' },
      asUser,
    );
    expect(logExpense.errors[0]?.extensions).toMatchObject({
      code: 'INVALID_CHARACTERS',
      field: 'text',
    });

    const multiLine = await post(
      system.graphqlUrl,
      'mutation ($text: String!) { logExpense(text: $text) { text } }',
      { text: 'coffee 4\n<i>lunch</i> 12' },
      asUser,
    );
    expect(multiLine.data?.logExpense).toEqual({ text: 'coffee 4\n<i>lunch</i> 12' });
  });
});
