import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { ApiError } from '../api/errors';
import type { RefreshTokenStore } from './refreshTokenStore';
import { Session, type SessionState } from './session';
import { operationName, tokenPayload, webSession } from './sessionTestKit';

function memoryStore(initial: string | null): RefreshTokenStore & { token: string | null } {
  return {
    mode: 'stored',
    token: initial,
    async load() {
      return this.token;
    },
    async save(token) {
      this.token = token;
    },
    async clear() {
      this.token = null;
    },
  };
}

describe('Session', () => {
  it('renews once for many racing requests, and rotates the stored refresh token', async () => {
    let now = 1_000_000;
    const store = memoryStore('refresh-0');
    const calls: string[] = [];
    let issued = 0;
    const session = new Session({
      endpoint: 'http://gateway/graphql',
      store,
      now: () => now,
      post: async (document, variables, options) => {
        const name = operationName(document as TypedDocumentNode<unknown, unknown>);
        calls.push(`${name}:${options?.accessToken ?? JSON.stringify(variables)}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (name === 'RefreshSession') {
          issued += 1;
          return { refreshSession: tokenPayload(issued, now) } as never;
        }
        return { me: null } as never;
      },
    });
    await session.restore();
    expect(session.state).toEqual({ status: 'signedIn', userId: 'user-1' });
    expect(store.token).toBe('refresh-1');

    now += 15 * 60_000; // the access token has expired
    const { MeDocument } = await import('../api/generated/graphql');
    await Promise.all([1, 2, 3, 4].map(() => session.request(MeDocument, {})));
    expect(calls.filter((call) => call.startsWith('RefreshSession'))).toEqual([
      'RefreshSession:{"refreshToken":"refresh-0"}',
      'RefreshSession:{"refreshToken":"refresh-1"}',
    ]);
    expect(calls.filter((call) => call.startsWith('Me'))).toEqual(Array(4).fill('Me:access-2'));
    expect(store.token).toBe('refresh-2');
  });

  it('goes back to log-in with a plain message when the refresh token is refused', async () => {
    let refuse = false;
    const store = memoryStore('refresh-0');
    const session = new Session({
      endpoint: 'http://gateway/graphql',
      store,
      post: async (document) => {
        const name = operationName(document as TypedDocumentNode<unknown, unknown>);
        if (name === 'RefreshSession' && refuse) {
          throw new ApiError('INVALID_REFRESH_TOKEN', 'reused');
        }
        if (name === 'RefreshSession') {
          return {
            refreshSession: {
              ...tokenPayload(1, Date.now()),
              accessTokenExpiresAt: new Date(Date.now() - 1).toISOString(),
            },
          } as never;
        }
        throw new ApiError('UNAUTHENTICATED', 'expired');
      },
    });
    const states: SessionState[] = [];
    session.subscribe((state) => states.push(state));
    await session.restore();
    refuse = true;
    const { MeDocument } = await import('../api/generated/graphql');
    await expect(session.request(MeDocument, {})).rejects.toMatchObject({
      code: 'INVALID_REFRESH_TOKEN',
    });
    expect(states.at(-1)).toEqual({
      status: 'signedOut',
      notice: { text: 'Your session has ended. Please log in again.', tone: 'error' },
    });
    expect(store.token).toBeNull();
  });

  it('logs out everywhere only once the server has ended the sessions, and says so', async () => {
    let answer: 'offline' | 'refuseToken' | 'ok' = 'offline';
    const store = memoryStore('refresh-0');
    const sent: string[] = [];
    let issued = 0;
    const session = new Session({
      endpoint: 'http://gateway/graphql',
      store,
      post: async (document, _variables, options) => {
        const name = operationName(document as TypedDocumentNode<unknown, unknown>);
        sent.push(`${name}:${options?.accessToken ?? ''}`);
        if (name === 'RefreshSession') {
          issued += 1;
          return { refreshSession: tokenPayload(issued, Date.now()) } as never;
        }
        if (answer === 'offline') throw new ApiError('NETWORK', 'No connection to CashTrack.');
        if (answer === 'refuseToken') {
          answer = 'ok';
          throw new ApiError('UNAUTHENTICATED', 'revoked');
        }
        return { logOutEverywhere: 2 } as never;
      },
    });
    await session.restore();

    // Offline: the person stays signed in, so they know their other devices still are.
    await expect(session.logOutEverywhere()).rejects.toMatchObject({ code: 'NETWORK' });
    expect(session.state).toEqual({ status: 'signedIn', userId: 'user-1' });
    expect(store.token).toBe('refresh-1');

    // A refused access token is renewed once, as for any request.
    answer = 'refuseToken';
    await session.logOutEverywhere();
    expect(session.state).toEqual({
      status: 'signedOut',
      notice: { text: 'You are logged out on all your devices.', tone: 'info' },
    });
    expect(store.token).toBeNull();
    // The live socket, refused a moment later, logs out again: nothing is sent, the notice stays.
    await session.logOut();
    expect(session.state).toMatchObject({ notice: { tone: 'info' } });
    expect(sent).toEqual([
      'RefreshSession:',
      'LogOutEverywhere:access-1',
      'LogOutEverywhere:access-1',
      'RefreshSession:',
      'LogOutEverywhere:access-2',
    ]);
  });

  it.each(['before', 'after'] as const)(
    'keeps the log-out-everywhere notice when the socket renewal it set off is refused %s it',
    async (refusal) => {
      // The gateway closes this device's socket as soon as the sessions end, often before the
      // mutation's answer arrives; the socket renews, and the server refuses the ended session.
      const answers = new Map<string, () => void>();
      const answered = (name: string) => new Promise<void>((resolve) => answers.set(name, resolve));
      let signedIn = false;
      const session = webSession(async (document) => {
        const name = operationName(document as TypedDocumentNode<unknown, unknown>);
        if (!signedIn) {
          signedIn = true;
          return { refreshSession: { ...tokenPayload(1, Date.now()), refreshToken: '' } } as never;
        }
        await answered(name);
        if (name === 'RefreshSession') throw new ApiError('INVALID_REFRESH_TOKEN', 'ended');
        return { logOutEverywhere: 2 } as never;
      });
      await session.restore();
      const loggingOut = session.logOutEverywhere();
      await new Promise((resolve) => setTimeout(resolve, 0));
      const socketRenewal = session.renew().catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 0));
      const order =
        refusal === 'before'
          ? ['RefreshSession', 'LogOutEverywhere']
          : ['LogOutEverywhere', 'RefreshSession'];
      for (const name of order) {
        answers.get(name)?.();
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      await loggingOut;
      expect(await socketRenewal).toMatchObject({ code: 'INVALID_REFRESH_TOKEN' });
      expect(session.state).toEqual({
        status: 'signedOut',
        notice: { text: 'You are logged out on all your devices.', tone: 'info' },
      });
    },
  );

  it('neither revives nor ends a later session with a renewal sent before log-out', async () => {
    let issued = 0;
    let holdRenewal: (() => void) | undefined;
    const session = webSession(async (document) => {
      const name = operationName(document as TypedDocumentNode<unknown, unknown>);
      if (name === 'LogOut') return { logOut: true } as never;
      if (name === 'LogIn') {
        issued += 1;
        return { logIn: { ...tokenPayload(issued, Date.now()), deviceToken: null } } as never;
      }
      issued += 1;
      const payload = { refreshSession: { ...tokenPayload(issued, Date.now()), refreshToken: '' } };
      if (issued > 1) await new Promise<void>((resolve) => (holdRenewal = resolve));
      return payload as never;
    });
    await session.restore();
    const staleRenewal = session.renew().catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 0));
    await session.logOut();
    expect(session.state).toEqual({ status: 'signedOut' });
    // Its answer comes after log-out: the session stays ended.
    holdRenewal?.();
    expect(await staleRenewal).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(session.state).toEqual({ status: 'signedOut' });
  });

  it('never holds the refresh token in cookie mode: it sends the placeholder and the header', async () => {
    const seen: unknown[] = [];
    const session = webSession(async (_document, variables, options) => {
      seen.push({ variables, headers: options?.headers });
      return { refreshSession: { ...tokenPayload(1, Date.now()), refreshToken: '' } } as never;
    });
    await session.restore();
    expect(seen).toEqual([
      { variables: { refreshToken: 'cookie' }, headers: { 'x-cashtrack-session': 'cookie' } },
    ]);
    expect(session.state.status).toBe('signedIn');
  });
  it('sends the device token kept for that email with the next log-in, and keeps the new one', async () => {
    const kept: Record<string, string> = { 'ada@example.com': 'device-1' };
    const sent: unknown[] = [];
    const session = new Session({
      endpoint: 'http://gateway/graphql',
      store: memoryStore(null),
      devices: {
        get: async (email) => kept[email.toLowerCase()],
        put: async (email, token) => {
          kept[email.toLowerCase()] = token;
        },
      },
      post: async (_document, variables) => {
        sent.push(variables);
        return { logIn: { ...tokenPayload(1, Date.now()), deviceToken: 'device-2' } } as never;
      },
    });
    await session.logIn({ email: 'Ada@example.com', password: 'correct horse' });
    expect(sent).toEqual([
      { input: { email: 'Ada@example.com', password: 'correct horse', deviceToken: 'device-1' } },
    ]);
    expect(kept).toEqual({ 'ada@example.com': 'device-2' });
  });
});
