import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { mongoForTests, type TestDatabase } from '@cashtrack/test-support';
import { errorCodes, postGraphQL } from '@cashtrack/test-support';
import {
  authPayloadFields,
  signUp,
  startIdentityStack,
  type AuthPayloadAnswer,
  type IdentityStack,
} from './support/identityStack.ts';

const refreshMutation = `mutation ($token: String!) { refreshSession(refreshToken: $token) { ${authPayloadFields} } }`;
const logInMutation = `mutation ($input: LogInInput!) { logIn(input: $input) { ${authPayloadFields} } }`;
const logOutMutation = 'mutation ($token: String!) { logOut(refreshToken: $token) }';
const logOutEverywhereMutation = 'mutation { logOutEverywhere }';
/** A query auth answers only for a signed-in caller whose token it accepts. */
const signedInProbe = 'mutation { logOut(refreshToken: "not-a-session") }';

describe('the auth subgraph', () => {
  let stack: IdentityStack;
  let authDb: TestDatabase;
  let url: string;

  beforeAll(async () => {
    stack = await startIdentityStack();
    url = stack.auth.url;
    authDb = await mongoForTests(`${stack.namespace.database}_a`);
  });

  afterAll(async () => {
    await stack.close();
    await authDb.close();
    await mongoForTests(`${stack.namespace.database}_u`).then((db) => db.close());
  });

  const refresh = (token: string) => postGraphQL(url, refreshMutation, { token });
  const logIn = (email: string, password: string, address = '10.0.0.1') =>
    postGraphQL(
      url,
      logInMutation,
      { input: { email, password } },
      // The address as the gateway vouches for it, signed; X-Forwarded-For counts for nothing.
      { clientAddress: address },
    );

  describe('signUp', () => {
    it('creates an account and answers with a 15-minute RS256 access token and a 7-day refresh token', async () => {
      const before = Date.now();
      const session = await signUp(url, { email: `  New.Person-${before}@Example.com ` });
      const decoded = jwt.decode(session.accessToken, { complete: true });
      expect(decoded?.header).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
      const claims = decoded?.payload as jwt.JwtPayload;
      expect(claims).toMatchObject({
        sub: session.user.id,
        iss: 'cashtrack-auth',
        aud: 'cashtrack-api',
        token_use: 'access',
        jti: expect.any(String),
      });
      expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(900);
      expect(Date.parse(session.accessTokenExpiresAt) - before).toBeGreaterThan(899_000 - 2_000);
      expect(Date.parse(session.refreshTokenExpiresAt) - before).toBeGreaterThan(
        7 * 86_400_000 - 5_000,
      );
      // 256 bits of secret after the family id, base64url.
      expect(session.refreshToken).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);

      const credential = await authDb.db
        .collection('credentials')
        .findOne({ _id: `new.person-${before}@example.com` } as never);
      expect(credential).toMatchObject({
        userId: session.user.id,
        password: { algorithm: 'scrypt' },
      });
      expect(JSON.stringify(credential)).not.toContain(session.password);
      const families = await authDb.db
        .collection('refreshFamilies')
        .find({ userId: session.user.id })
        .toArray();
      expect(families).toHaveLength(1);
      expect(JSON.stringify(families)).not.toContain(session.refreshToken.split('.')[1]);
    });

    it('refuses a taken email, whatever its case, with EMAIL_TAKEN', async () => {
      const first = await signUp(url);
      const again = await postGraphQL(
        url,
        `mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken } }`,
        {
          input: {
            email: first.email.toUpperCase(),
            password: 'another password',
            displayName: 'Copy',
          },
        },
      );
      expect(errorCodes(again)).toEqual(['EMAIL_TAKEN']);
    });

    it('refuses a short password with BAD_USER_INPUT and a malformed email with INVALID_EMAIL, naming the field', async () => {
      const short = await postGraphQL(
        url,
        `mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken } }`,
        {
          input: { email: 'short@example.com', password: 'seven77', displayName: 'Short' },
        },
      );
      expect(short.errors[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'password',
      });
      const malformed = await postGraphQL(
        url,
        `mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken } }`,
        {
          input: { email: 'not-an-email', password: 'long enough', displayName: 'Bad' },
        },
      );
      expect(malformed.errors[0]?.extensions).toMatchObject({
        code: 'INVALID_EMAIL',
        field: 'email',
      });
    });

    it('refuses an email with a Cyrillic letter as INVALID_EMAIL, never as an internal event error', async () => {
      const answer = await postGraphQL(
        url,
        `mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken } }`,
        {
          input: {
            email: `\u0430nn-${Date.now()}@example.com`,
            password: 'long enough',
            displayName: 'Ann',
          },
        },
      );
      expect(answer.errors).toHaveLength(1);
      expect(answer.errors[0]?.extensions).toEqual({ code: 'INVALID_EMAIL', field: 'email' });
      expect(JSON.stringify(answer)).not.toMatch(/INVALID_EVENT|UserRegistered|eventId|issues/);
    });

    it('refuses a display name with a NUL or a bidi override as INVALID_CHARACTERS; HTML stays text', async () => {
      const signUpWith = (displayName: string) =>
        postGraphQL(
          url,
          `mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken } }`,
          {
            input: {
              email: `chars-${Date.now()}-${Math.random()}@example.com`,
              password: 'long enough',
              displayName,
            },
          },
        );
      for (const displayName of ['Ann\u0000', 'Ann \u202eevil']) {
        expect((await signUpWith(displayName)).errors[0]?.extensions).toMatchObject({
          code: 'INVALID_CHARACTERS',
          field: 'displayName',
        });
      }
      expect(errorCodes(await signUpWith('<img src=x onerror=alert(1)>'))).toEqual([]);
    });
  });

  describe('logIn', () => {
    it('starts a new session for the right password', async () => {
      const account = await signUp(url);
      const answer = await logIn(` ${account.email.toUpperCase()} `, account.password);
      const session = answer.data?.logIn as AuthPayloadAnswer;
      expect(session.user.id).toBe(account.user.id);
      expect(session.refreshToken).not.toBe(account.refreshToken);
    });

    it('answers a wrong password and an unknown email alike, in about the same time', async () => {
      const account = await signUp(url);
      const timed = async (email: string) => {
        const started = performance.now();
        const answer = await logIn(email, 'wrong password!', '10.0.0.2');
        return { answer, ms: performance.now() - started };
      };
      const wrong = await timed(account.email);
      const unknown = await timed(`nobody-${Date.now()}@example.com`);
      expect(errorCodes(wrong.answer)).toEqual(['INVALID_CREDENTIALS']);
      expect(errorCodes(unknown.answer)).toEqual(['INVALID_CREDENTIALS']);
      expect(unknown.answer.errors[0]?.message).toBe(wrong.answer.errors[0]?.message);
      // Both pay for a full scrypt hash; without the dummy hash the unknown email took ~1 ms.
      expect(unknown.ms).toBeGreaterThan(wrong.ms / 4);
    });

    // Throttling, with its own limits and two replicas: loginThrottle.int.test.ts.
  });

  describe('refreshSession', () => {
    it('rotates the refresh token on every use', async () => {
      const account = await signUp(url);
      const first = (await refresh(account.refreshToken)).data?.refreshSession as AuthPayloadAnswer;
      expect(first.refreshToken).not.toBe(account.refreshToken);
      expect(first.user.id).toBe(account.user.id);
      const second = (await refresh(first.refreshToken)).data?.refreshSession as AuthPayloadAnswer;
      expect(second.refreshToken).not.toBe(first.refreshToken);
    });

    it('revokes the whole family when an already-rotated token is used again', async () => {
      const account = await signUp(url);
      const first = (await refresh(account.refreshToken)).data?.refreshSession as AuthPayloadAnswer;
      const second = (await refresh(first.refreshToken)).data?.refreshSession as AuthPayloadAnswer;

      expect(errorCodes(await refresh(account.refreshToken))).toEqual(['INVALID_REFRESH_TOKEN']);
      // The thief and the owner are now both out: the live token is dead too, and so is every
      // access token the session handed out.
      expect(errorCodes(await refresh(second.refreshToken))).toEqual(['INVALID_REFRESH_TOKEN']);
      for (const { accessToken } of [account, first, second]) {
        const probe = await postGraphQL(url, signedInProbe, {}, { token: accessToken });
        expect(errorCodes(probe)).toEqual(['UNAUTHENTICATED']);
      }
    });

    it('treats a repeat of the previous token after the grace window as reuse', async () => {
      const account = await signUp(url);
      const first = (await refresh(account.refreshToken)).data?.refreshSession as AuthPayloadAnswer;
      stack.clock.advance(11_000);
      expect(errorCodes(await refresh(account.refreshToken))).toEqual(['INVALID_REFRESH_TOKEN']);
      expect(errorCodes(await refresh(first.refreshToken))).toEqual(['INVALID_REFRESH_TOKEN']);
    });

    it('gives two refreshes racing with the same token the same new refresh token and keeps the session', async () => {
      const account = await signUp(url);
      const answers = await Promise.all([
        refresh(account.refreshToken),
        refresh(account.refreshToken),
        refresh(account.refreshToken),
      ]);
      const sessions = answers.map((answer) => answer.data?.refreshSession as AuthPayloadAnswer);
      expect(answers.flatMap(errorCodes)).toEqual([]);
      const successor = sessions[0]?.refreshToken;
      expect(sessions.map((session) => session.refreshToken)).toEqual([
        successor,
        successor,
        successor,
      ]);
      // Each got a working access token of its own.
      expect(new Set(sessions.map((session) => session.accessToken)).size).toBeGreaterThanOrEqual(
        1,
      );
      const next = await refresh(successor ?? '');
      expect(errorCodes(next)).toEqual([]);
    });

    it('refuses a made-up token without revoking the family it names', async () => {
      const account = await signUp(url);
      const [familyId] = account.refreshToken.split('.');
      expect(errorCodes(await refresh(`${familyId}.${'x'.repeat(43)}`))).toEqual([
        'INVALID_REFRESH_TOKEN',
      ]);
      expect(errorCodes(await refresh(account.refreshToken))).toEqual([]);
    });
  });

  describe('logOut', () => {
    it('needs an access token, answering 401 UNAUTHENTICATED without one', async () => {
      const account = await signUp(url);
      const answer = await postGraphQL(url, logOutMutation, { token: account.refreshToken });
      expect(answer.status).toBe(401);
      expect(errorCodes(answer)).toEqual(['UNAUTHENTICATED']);
    });

    it("revokes the session's family; someone else's refresh token is not the caller's to end", async () => {
      const account = await signUp(url);
      const other = await signUp(url);
      const notYours = await postGraphQL(
        url,
        logOutMutation,
        { token: other.refreshToken },
        { token: account.accessToken },
      );
      expect(notYours.data?.logOut).toBe(false);

      const answer = await postGraphQL(
        url,
        logOutMutation,
        { token: account.refreshToken },
        { token: account.accessToken },
      );
      expect(answer.data?.logOut).toBe(true);
      expect(errorCodes(await refresh(account.refreshToken))).toEqual(['INVALID_REFRESH_TOKEN']);
      expect(errorCodes(await refresh(other.refreshToken))).toEqual([]);
    });

    it('refuses every access token the session handed out, not only the one it was called with', async () => {
      const account = await signUp(url);
      const rotated = (await refresh(account.refreshToken)).data
        ?.refreshSession as AuthPayloadAnswer;
      const answer = await postGraphQL(
        url,
        logOutMutation,
        { token: rotated.refreshToken },
        { token: rotated.accessToken },
      );
      expect(answer.data?.logOut).toBe(true);
      // The token from before the rotation still had minutes to live.
      const earlier = await postGraphQL(url, signedInProbe, {}, { token: account.accessToken });
      expect(errorCodes(earlier)).toEqual(['UNAUTHENTICATED']);
    });
  });

  describe('logOutEverywhere', () => {
    it("ends every session of the caller's account, on every device, and nobody else's", async () => {
      const account = await signUp(url);
      const phone = (await logIn(account.email, account.password)).data?.logIn as AuthPayloadAnswer;
      const laptop = (await logIn(account.email, account.password)).data
        ?.logIn as AuthPayloadAnswer;
      const someoneElse = await signUp(url);

      const answer = await postGraphQL(
        url,
        logOutEverywhereMutation,
        {},
        { token: phone.accessToken },
      );
      expect(answer.data?.logOutEverywhere).toBe(3);

      for (const session of [account, phone, laptop]) {
        expect(errorCodes(await refresh(session.refreshToken))).toEqual(['INVALID_REFRESH_TOKEN']);
        const probe = await postGraphQL(url, signedInProbe, {}, { token: session.accessToken });
        expect(errorCodes(probe)).toEqual(['UNAUTHENTICATED']);
      }
      const untouched = await postGraphQL(
        url,
        signedInProbe,
        {},
        { token: someoneElse.accessToken },
      );
      expect(errorCodes(untouched)).toEqual([]);
      expect(errorCodes(await refresh(someoneElse.refreshToken))).toEqual([]);

      // Signing in again afterwards starts a session that works.
      const again = (await logIn(account.email, account.password)).data?.logIn as AuthPayloadAnswer;
      const probe = await postGraphQL(url, signedInProbe, {}, { token: again.accessToken });
      expect(errorCodes(probe)).toEqual([]);
      expect(errorCodes(await refresh(again.refreshToken))).toEqual([]);
    });

    it('needs an access token, and stores each revocation with its event for the relay', async () => {
      const unauthenticated = await postGraphQL(url, logOutEverywhereMutation, {});
      expect(errorCodes(unauthenticated)).toEqual(['UNAUTHENTICATED']);

      const account = await signUp(url);
      const sessionId = account.refreshToken.split('.')[0] ?? '';
      const answer = await postGraphQL(
        url,
        logOutEverywhereMutation,
        {},
        { token: account.accessToken },
      );
      expect(answer.data?.logOutEverywhere).toBe(1);
      const revocation = await authDb.db
        .collection<{ _id: string }>('accessTokenRevocations')
        .findOne({ _id: sessionId });
      expect(revocation).toMatchObject({ kind: 'session', userId: account.user.id });
    });
  });

  describe('signing keys', () => {
    it('publishes the signing key as JWKS', async () => {
      const jwks = (await (await fetch(`${url}/.well-known/jwks.json`)).json()) as {
        keys: Record<string, unknown>[];
      };
      const account = await signUp(url);
      const kid = jwt.decode(account.accessToken, { complete: true })?.header.kid;
      expect(jwks.keys).toContainEqual(
        expect.objectContaining({
          kid,
          kty: 'RSA',
          alg: 'RS256',
          use: 'sig',
          n: expect.any(String),
          e: 'AQAB',
        }),
      );
      expect(JSON.stringify(jwks)).not.toMatch(/"d"|"p"|"q"/);
    });

    it('rotates: a new key signs, tokens of the old one verify until they have expired', async () => {
      const before = await signUp(url);
      const oldKid = jwt.decode(before.accessToken, { complete: true })?.header.kid;
      const newKid = await stack.auth.signingKeys.rotate();
      const after = await signUp(url);
      expect(jwt.decode(after.accessToken, { complete: true })?.header.kid).toBe(newKid);

      const me = 'query { me { id } }';
      expect(
        (await postGraphQL(stack.user.url, me, {}, { token: before.accessToken })).data?.me,
      ).toEqual({ id: before.user.id });
      expect(
        (await postGraphQL(stack.user.url, me, {}, { token: after.accessToken })).data?.me,
      ).toEqual({ id: after.user.id });
      const kids = () => stack.auth.signingKeys.jwks().keys.map((key) => key.kid);
      expect(kids()).toEqual(expect.arrayContaining([oldKid, newKid]));

      stack.clock.advance(16 * 60_000 + 10_000);
      expect(kids()).toContain(newKid);
      expect(kids()).not.toContain(oldKid);
    });
  });
});
