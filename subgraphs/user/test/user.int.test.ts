import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';
import type { Kafka } from 'kafkajs';
import { createEventProducer, type EventProducer } from '@cashtrack/events/kafka';
import { newEvent } from '@cashtrack/events';
import { kafkaForTests, mongoForTests, waitFor, type TestDatabase } from '@cashtrack/test-support';
import { errorCodes, postGraphQL } from '@cashtrack/test-support';
import {
  signUp,
  startIdentityStack,
  type IdentityStack,
} from '../../auth/test/support/identityStack.ts';

const meQuery = 'query { me { id email displayName currency timezone createdAt } }';
const updateMutation =
  'mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { id displayName currency timezone } }';
const entitiesQuery =
  'query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { id email } } }';

describe('the user subgraph', () => {
  let stack: IdentityStack;
  let authDb: TestDatabase;
  let userDb: TestDatabase;
  let kafka: Kafka;
  let producer: EventProducer;
  let url: string;

  beforeAll(async () => {
    // Shorter than the default, so waiting out a profile that never comes takes a test 2 s.
    stack = await startIdentityStack({ user: { profileWaitMs: 2_000 } });
    url = stack.user.url;
    authDb = await mongoForTests(`${stack.namespace.database}_a`);
    userDb = await mongoForTests(`${stack.namespace.database}_u`);
    kafka = kafkaForTests();
    producer = createEventProducer(kafka, { topicPrefix: stack.namespace.topicPrefix });
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await stack.close();
    await Promise.all([authDb.close(), userDb.close()]);
  });

  describe('me', () => {
    it('answers straight after signUp, waiting for the profile on its way (read-your-writes)', async () => {
      const account = await signUp(stack.auth.url, { displayName: 'Ann' });
      const answer = await postGraphQL(url, meQuery, {}, { token: account.accessToken });
      expect(answer.errors).toEqual([]);
      expect(answer.data?.me).toEqual({
        id: account.user.id,
        email: account.email,
        displayName: 'Ann',
        currency: 'USD',
        timezone: 'UTC',
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      });
    });

    it('answers 401 UNAUTHENTICATED without a token', async () => {
      const answer = await postGraphQL(url, meQuery);
      expect(answer.status).toBe(401);
      expect(errorCodes(answer)).toEqual(['UNAUTHENTICATED']);
    });
  });

  describe('updateProfile', () => {
    it('validates, publishes UserProfileUpdated and returns the projected profile', async () => {
      const account = await signUp(stack.auth.url);
      const answer = await postGraphQL(
        url,
        updateMutation,
        { input: { displayName: ' Ann B. ', currency: 'eur', timezone: 'Europe/Berlin' } },
        { token: account.accessToken },
      );
      expect(answer.errors).toEqual([]);
      expect(answer.data?.updateProfile).toEqual({
        id: account.user.id,
        displayName: 'Ann B.',
        currency: 'EUR',
        timezone: 'Europe/Berlin',
      });
      const me = await postGraphQL(url, meQuery, {}, { token: account.accessToken });
      expect(me.data?.me).toMatchObject({ currency: 'EUR', timezone: 'Europe/Berlin' });
      expect(
        await userDb.db.collection('profiles').findOne({ _id: account.user.id } as never),
      ).toMatchObject({
        aggregateVersion: 2,
      });

      const partial = await postGraphQL(
        url,
        updateMutation,
        { input: { currency: 'JPY' } },
        { token: account.accessToken },
      );
      expect(partial.data?.updateProfile).toMatchObject({ displayName: 'Ann B.', currency: 'JPY' });
    });

    it('refuses unknown currencies and time zones and blank names, naming the field', async () => {
      const account = await signUp(stack.auth.url);
      const attempt = (input: Record<string, string>) =>
        postGraphQL(url, updateMutation, { input }, { token: account.accessToken });
      expect((await attempt({ currency: 'XYZ' })).errors[0]?.extensions).toMatchObject({
        code: 'INVALID_CURRENCY',
        field: 'currency',
      });
      expect((await attempt({ timezone: 'Mars/Olympus' })).errors[0]?.extensions).toMatchObject({
        code: 'INVALID_TIMEZONE',
        field: 'timezone',
      });
      expect((await attempt({ displayName: '  ' })).errors[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'displayName',
      });
    });
  });

  describe('User references', () => {
    it("resolves the caller's own reference and refuses anyone else's as NOT_FOUND", async () => {
      const ann = await signUp(stack.auth.url);
      const bob = await signUp(stack.auth.url);
      const own = await postGraphQL(
        url,
        entitiesQuery,
        { reps: [{ __typename: 'User', id: ann.user.id }] },
        { token: ann.accessToken },
      );
      expect(own.data?._entities).toEqual([{ id: ann.user.id, email: ann.email }]);

      const other = await postGraphQL(
        url,
        entitiesQuery,
        { reps: [{ __typename: 'User', id: bob.user.id }] },
        { token: ann.accessToken },
      );
      expect(errorCodes(other)).toEqual(['NOT_FOUND']);
      expect(JSON.stringify(other.data)).not.toContain(bob.email);

      const anonymous = await postGraphQL(url, entitiesQuery, {
        reps: [{ __typename: 'User', id: bob.user.id }],
      });
      expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);
    });

    it('hands the gateway the access token auth just issued, to fetch AuthPayload.user with', async () => {
      const answer = await postGraphQL(
        stack.auth.url,
        'mutation ($input: SignUpInput!) { signUp(input: $input) { user { id } } }',
        {
          input: {
            email: `ext-${Date.now()}@example.com`,
            password: 'long enough',
            displayName: 'Ext',
          },
        },
      );
      const issued = answer.extensions?.issuedAccessToken as string;
      const userId = (answer.data?.signUp as { user: { id: string } }).user.id;
      const entity = await postGraphQL(
        url,
        entitiesQuery,
        { reps: [{ __typename: 'User', id: userId }] },
        { token: issued },
      );
      expect(entity.data?._entities).toEqual([
        { id: userId, email: expect.stringMatching(/^ext-/) },
      ]);
    });
  });

  describe('access tokens refused by the subgraph', () => {
    let valid: string;
    let signingKey: { kid: string; privateKeyPem: string };
    let publicKeyPem: string;
    let userId: string;

    beforeAll(async () => {
      const account = await signUp(stack.auth.url);
      valid = account.accessToken;
      userId = account.user.id;
      const kid = jwt.decode(valid, { complete: true })?.header.kid as string;
      const document = await authDb.db.collection('signingKeys').findOne({ _id: kid } as never);
      signingKey = { kid, privateKeyPem: String(document?.privateKeyPem) };
      const jwks = (await (await fetch(`${stack.auth.url}/.well-known/jwks.json`)).json()) as {
        keys: { kid: string; n: string; e: string }[];
      };
      const { createPublicKey } = await import('node:crypto');
      const jwk = jwks.keys.find((key) => key.kid === kid);
      publicKeyPem = createPublicKey({ key: { kty: 'RSA', n: jwk?.n, e: jwk?.e }, format: 'jwk' })
        .export({ type: 'spki', format: 'pem' })
        .toString();
    });

    const claims = () => ({
      token_use: 'access',
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 600,
      sub: userId,
      iss: 'cashtrack-auth',
      aud: 'cashtrack-api',
      jti: randomUUID(),
    });
    const signWithRealKey = (payload: object) =>
      jwt.sign(payload, signingKey.privateKeyPem, { algorithm: 'RS256', keyid: signingKey.kid });
    const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const me = (token: string) => postGraphQL(url, 'query { me { id } }', {}, { token });

    it('accepts a token signed with the real key and correct claims (the control)', async () => {
      // Without `sid`, as tokens signed before they named their session, and with it.
      expect((await me(signWithRealKey(claims()))).data?.me).toEqual({ id: userId });
      expect((await me(signWithRealKey({ ...claims(), sid: 'a-session' }))).data?.me).toEqual({
        id: userId,
      });
    });

    const refusals: [string, () => string][] = [
      [
        'alg none',
        () =>
          `${base64url({ alg: 'none', typ: 'JWT', kid: signingKey.kid })}.${base64url(claims())}.`,
      ],
      [
        'HS256 signed with the public key',
        () => {
          const unsigned = `${base64url({ alg: 'HS256', typ: 'JWT', kid: signingKey.kid })}.${base64url(claims())}`;
          return `${unsigned}.${createHmac('sha256', publicKeyPem).update(unsigned).digest('base64url')}`;
        },
      ],
      ['a wrong issuer', () => signWithRealKey({ ...claims(), iss: 'someone-else' })],
      ['a wrong audience', () => signWithRealKey({ ...claims(), aud: 'another-api' })],
      [
        'an expired token',
        () =>
          signWithRealKey({
            ...claims(),
            iat: Math.floor(Date.now() / 1000) - 1_000,
            exp: Math.floor(Date.now() / 1000) - 60,
          }),
      ],
      ['a session id that is not a string', () => signWithRealKey({ ...claims(), sid: 42 })],
      [
        'a JWT that is not an access token',
        () => signWithRealKey({ ...claims(), token_use: 'refresh' }),
      ],
      [
        'a tampered payload',
        () => {
          const [header, , signature] = valid.split('.');
          return `${header}.${base64url({ ...(jwt.decode(valid) as object), sub: randomUUID() })}.${signature}`;
        },
      ],
      [
        'an unknown kid',
        () => {
          const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
          return jwt.sign(claims(), privateKey, { algorithm: 'RS256', keyid: randomUUID() });
        },
      ],
    ];

    it('answers PROFILE_PENDING, not NOT_FOUND, for a signed-in caller whose profile is still on its way', async () => {
      const notYetProjected = randomUUID();
      const answer = await postGraphQL(
        url,
        entitiesQuery,
        { reps: [{ __typename: 'User', id: notYetProjected }] },
        { token: signWithRealKey({ ...claims(), sub: notYetProjected }) },
      );
      expect(answer.errors.map((error) => error.extensions)).toEqual([
        { code: 'PROFILE_PENDING', retryAfterSeconds: 1 },
      ]);
    });

    it.each(refusals)('refuses %s with 401 UNAUTHENTICATED', async (_name, makeToken) => {
      const answer = await me(makeToken());
      expect(answer.status).toBe(401);
      expect(errorCodes(answer)).toEqual(['UNAUTHENTICATED']);
      expect(answer.data?.me ?? null).toBeNull();
    });

    it('refuses a refresh token presented as an access token', async () => {
      const account = await signUp(stack.auth.url);
      const answer = await me(account.refreshToken);
      expect(answer.status).toBe(401);
      expect(errorCodes(answer)).toEqual(['UNAUTHENTICATED']);
    });
  });

  describe('the profiles projection', () => {
    it('applies a UserRegistered delivered twice once, and later events after it', async () => {
      const id = randomUUID();
      const registered = newEvent({
        type: 'UserRegistered',
        userId: id,
        aggregateId: id,
        aggregateVersion: 1,
        payload: {
          email: `dup-${id}@example.com`,
          displayName: 'Dup',
          currency: 'USD',
          timezone: 'UTC',
        },
        correlationId: 'test-duplicates',
        now: new Date(),
      });
      const updated = newEvent({
        type: 'UserProfileUpdated',
        userId: id,
        aggregateId: id,
        aggregateVersion: 2,
        payload: { displayName: 'Dup Two' },
        correlationId: 'test-duplicates',
        now: new Date(),
      });
      await producer.publish([registered]);
      await producer.publish([registered]);
      await producer.publish([updated]);
      const profiles = userDb.db.collection('profiles');
      const projected = await waitFor(
        async () => {
          const document = await profiles.findOne({ _id: id } as never);
          return document?.aggregateVersion === 2 ? document : undefined;
        },
        { timeoutMs: 20_000, description: 'the duplicated profile at version 2' },
      );
      expect(projected).toMatchObject({ displayName: 'Dup Two', email: `dup-${id}@example.com` });
      expect(await profiles.countDocuments({ _id: id } as never)).toBe(1);
      const processedBefore = stack.user.consumer.stats().processed;
      await producer.publish([registered]);
      await waitFor(() => stack.user.consumer.stats().processed > processedBefore, {
        timeoutMs: 20_000,
      });
      expect(await profiles.findOne({ _id: id } as never)).toMatchObject({
        displayName: 'Dup Two',
        aggregateVersion: 2,
      });
    });
  });
});
