import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { errorCodes, mongoForTests, postGraphQL } from '@cashtrack/test-support';
import { startAuthSubgraph, type RunningAuthSubgraph } from '../src/authSubgraph.ts';
import { createLoginThrottleStore } from '../src/stores/loginThrottleStore.ts';
import type { DelayPolicy, LoginThrottlePolicy } from '../src/domain/loginThrottle.ts';
import {
  authPayloadFields,
  authTestConfig,
  signUp,
  startIdentityStack,
  type AuthPayloadAnswer,
  type IdentityStack,
} from './support/identityStack.ts';

const logInMutation = `mutation ($input: LogInInput!) { logIn(input: $input) { ${authPayloadFields} } }`;

/** Small limits, so a test meets them in a few attempts; long first waits, so none passes by. */
const delays = (freeAttempts: number): DelayPolicy => ({
  freeAttempts,
  firstDelayMs: 20_000,
  maxDelayMs: 60_000,
  resetAfterMs: 900_000,
});
const loginThrottle: LoginThrottlePolicy = {
  pair: delays(3),
  device: delays(3),
  address: delays(6),
  email: { ...delays(8), resetAfterMs: 86_400_000 },
  signUp: delays(1_000_000),
};

describe('log-in throttling over two auth replicas', () => {
  let stack: IdentityStack;
  let second: RunningAuthSubgraph;
  let replicas: string[];

  beforeAll(async () => {
    stack = await startIdentityStack({ auth: { loginThrottle } });
    // A second replica on the same database: the counters must hold across both.
    second = await startAuthSubgraph(authTestConfig(stack.namespace, { loginThrottle }), {
      now: stack.clock.now,
    });
    replicas = [stack.auth.url, second.url];
  });

  afterAll(async () => {
    await second.close();
    await stack.close();
  });

  let requests = 0;
  const logIn = (
    input: { email: string; password: string; deviceToken?: string | null },
    clientAddress: string,
  ) => {
    requests += 1;
    return postGraphQL<{ logIn: AuthPayloadAnswer }>(
      replicas[requests % 2] ?? stack.auth.url,
      logInMutation,
      { input },
      { clientAddress, headers: { 'x-forwarded-for': clientAddress } },
    );
  };

  it('lets the right password in from a known device while an attacker hammers the email from many addresses', async () => {
    const victim = await signUp(stack.auth.url);
    expect(victim.deviceToken).toEqual(expect.stringMatching(/^dt1\./));

    const attack = [];
    for (let attempt = 0; attempt < 12; attempt += 1) {
      attack.push(
        await logIn({ email: victim.email, password: 'wrong password!' }, `10.9.0.${attempt}`),
      );
    }
    const codes = attack.flatMap((answer) => errorCodes(answer));
    expect(codes.slice(0, 8)).toEqual(Array(8).fill('INVALID_CREDENTIALS'));
    expect(codes.slice(8)).toEqual(Array(4).fill('TOO_MANY_ATTEMPTS'));

    // Past the email's ceiling an unknown client waits, a delay with an end, not a lock...
    const unknown = await logIn({ email: victim.email, password: victim.password }, '10.8.0.1');
    expect(unknown.errors[0]?.extensions).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    const retryAfter = unknown.errors[0]?.extensions?.retryAfterSeconds as number;
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // ...while the victim's own device is not slowed down at all, even at an attacker's address.
    for (const address of ['10.8.0.2', '10.9.0.3']) {
      const known = await logIn(
        { email: victim.email, password: victim.password, deviceToken: victim.deviceToken },
        address,
      );
      expect(errorCodes(known)).toEqual([]);
      expect(known.data?.logIn.user.id).toBe(victim.user.id);
      expect(known.data?.logIn.deviceToken).toEqual(expect.stringMatching(/^dt1\./));
    }

    // A device token of another account makes no client known.
    const other = await signUp(stack.auth.url);
    const borrowed = await logIn(
      { email: victim.email, password: victim.password, deviceToken: other.deviceToken },
      '10.8.0.3',
    );
    expect(errorCodes(borrowed)).toEqual(['TOO_MANY_ATTEMPTS']);

    stack.clock.advance(retryAfter * 1000);
    const afterTheWait = await logIn(
      { email: victim.email, password: victim.password },
      '10.8.0.1',
    );
    expect(afterTheWait.data?.logIn.user.id).toBe(victim.user.id);
  });

  it('slows down one email and address pair without slowing down the right password elsewhere', async () => {
    const person = await signUp(stack.auth.url);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(
        errorCodes(await logIn({ email: person.email, password: 'wrong password!' }, '10.7.0.1')),
      ).toEqual(['INVALID_CREDENTIALS']);
    }
    const slowed = await logIn({ email: person.email, password: person.password }, '10.7.0.1');
    expect(slowed.errors[0]?.extensions).toMatchObject({
      code: 'TOO_MANY_ATTEMPTS',
      retryAfterSeconds: expect.any(Number),
    });
    const elsewhere = await logIn({ email: person.email, password: person.password }, '10.7.0.2');
    expect(elsewhere.data?.logIn.user.id).toBe(person.user.id);
  });

  it('admits no more racing attempts than the limit, whichever replica each reaches', async () => {
    const person = await signUp(stack.auth.url);
    const racing = await Promise.all(
      Array.from({ length: 10 }, () =>
        logIn({ email: person.email, password: 'wrong password!' }, '10.6.0.1'),
      ),
    );
    const codes = racing.flatMap((answer) => errorCodes(answer));
    // Never more than the limit; under contention a loser may be refused early (retry in 1 s).
    const admitted = codes.filter((code) => code === 'INVALID_CREDENTIALS').length;
    expect(admitted).toBeGreaterThanOrEqual(1);
    expect(admitted).toBeLessThanOrEqual(3);
    expect(codes.filter((code) => code === 'TOO_MANY_ATTEMPTS')).toHaveLength(10 - admitted);
  });

  it('never admits more than the free attempts of many racing at one counter in the shared database', async () => {
    // FerretDB lets two racing conditional updates both match; the store must not rely on them.
    const database = await mongoForTests(`${stack.namespace.database}_a`);
    try {
      const stores = [createLoginThrottleStore(database.db), createLoginThrottleStore(database.db)];
      for (let round = 0; round < 5; round += 1) {
        const now = stack.clock.now();
        const verdicts = await Promise.all(
          Array.from({ length: 30 }, (_, index) =>
            stores[index % 2]!.admit(`pair:race-${round}`, now, delays(3)),
          ),
        );
        const admitted = verdicts.filter((verdict) => verdict.allowed).length;
        expect(admitted).toBeGreaterThanOrEqual(1);
        expect(admitted).toBeLessThanOrEqual(3);
      }
    } finally {
      await database.close();
    }
  });

  it('slows down an address spraying many emails, and only that address', async () => {
    const person = await signUp(stack.auth.url);
    for (let attempt = 0; attempt < 6; attempt += 1) {
      const guess = { email: `guess-${attempt}-${Date.now()}@example.com`, password: 'wrong!!!' };
      expect(errorCodes(await logIn(guess, '10.5.0.1'))).toEqual(['INVALID_CREDENTIALS']);
    }
    const slowed = await logIn({ email: person.email, password: person.password }, '10.5.0.1');
    expect(errorCodes(slowed)).toEqual(['TOO_MANY_ATTEMPTS']);
    const elsewhere = await logIn({ email: person.email, password: person.password }, '10.5.0.2');
    expect(elsewhere.data?.logIn.user.id).toBe(person.user.id);
  });

  it('limits sign-ups per client address across replicas, with RATE_LIMITED and a wait', async () => {
    const config = authTestConfig(stack.namespace, {
      loginThrottle: { ...loginThrottle, signUp: delays(3) },
    });
    const limited = await Promise.all([
      startAuthSubgraph(config, { now: stack.clock.now }),
      startAuthSubgraph(config, { now: stack.clock.now }),
    ]);
    try {
      const signUpFrom = (index: number, clientAddress: string) =>
        postGraphQL(
          limited[index % 2]!.url,
          `mutation ($input: SignUpInput!) { signUp(input: $input) { ${authPayloadFields} } }`,
          {
            input: {
              email: `signup-${index}-${clientAddress}-${Date.now()}@example.com`,
              password: 'correct horse battery',
              displayName: 'Many',
            },
          },
          { clientAddress, headers: { 'x-forwarded-for': clientAddress } },
        );
      for (let index = 0; index < 3; index += 1) {
        expect(errorCodes(await signUpFrom(index, '10.4.0.1'))).toEqual([]);
      }
      const refused = await signUpFrom(3, '10.4.0.1');
      expect(refused.errors[0]?.extensions).toMatchObject({
        code: 'RATE_LIMITED',
        retryAfterSeconds: expect.any(Number),
      });
      expect(errorCodes(await signUpFrom(4, '10.4.0.2'))).toEqual([]);

      // People signing up at once behind one address: within the limit all get through, past it
      // exactly the limit does, on both replicas together.
      const burst = await Promise.all(
        Array.from({ length: 12 }, (_, index) => signUpFrom(10 + index, '10.4.0.3')),
      );
      const admitted = burst.filter((answer) => errorCodes(answer).length === 0);
      expect(admitted).toHaveLength(3);
      expect(burst.flatMap(errorCodes).every((code) => code === 'RATE_LIMITED')).toBe(true);
    } finally {
      await Promise.all(limited.map((replica) => replica.close()));
    }
  });
});
