import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { ApiError } from '../api/errors';
import {
  LogInDocument,
  LogOutDocument,
  LogOutEverywhereDocument,
  RefreshSessionDocument,
  SignUpDocument,
  type LogInInput,
  type SessionFieldsFragment,
  type SignUpInput,
} from '../api/generated/graphql';
import { postOperation, type HttpOptions } from '../api/graphqlHttp';
import type { DeviceTokenStore } from './deviceTokens';
import type { RefreshTokenStore } from './refreshTokenStore';

/** Why the log-in screen is showing, when the person did not just press "Log out". */
export interface SessionNotice {
  readonly text: string;
  readonly tone: 'error' | 'info';
}

/** What the app shows: still finding out, the log-in screen, or the signed-in app. */
export type SessionState =
  | { readonly status: 'restoring' }
  | { readonly status: 'signedOut'; readonly notice?: SessionNotice }
  | { readonly status: 'signedIn'; readonly userId: string };

/** Sent with auth operations on the web: the gateway keeps the refresh token in a cookie. */
export const cookieSessionHeader = 'x-cashtrack-session';
/** Stands in for the refresh token the app cannot read; the gateway puts the cookie's in. */
export const cookieTokenPlaceholder = 'cookie';

type Post = <Result, Variables>(
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
  options?: HttpOptions,
) => Promise<Result>;

export interface SessionOptions {
  readonly endpoint: string;
  readonly store: RefreshTokenStore;
  /** Device tokens per email (sent with the next log-in). Default: none kept. */
  readonly devices?: DeviceTokenStore;
  /** Default Date.now. */
  readonly now?: () => number;
  /** Default: postOperation to the endpoint. */
  readonly post?: Post;
}

const endedNotice: SessionNotice = {
  text: 'Your session has ended. Please log in again.',
  tone: 'error',
};
const loggedOutEverywhereNotice: SessionNotice = {
  text: 'You are logged out on all your devices.',
  tone: 'info',
};

/**
 * The signed-in session: holds the access token in memory, renews it with the refresh token
 * before it expires (one renewal at a time, however many requests race for it), and goes back
 * to the log-in screen with a plain message when the refresh token is refused.
 */
export class Session {
  private readonly store: RefreshTokenStore;
  private readonly devices: DeviceTokenStore | undefined;
  private readonly now: () => number;
  private readonly post: Post;
  private readonly listeners = new Set<(state: SessionState) => void>();
  private current: SessionState = { status: 'restoring' };
  private access: { token: string; renewAt: number; expiresAt: number } | undefined;
  /** The refresh token, on a phone; never held on the web (see RefreshTokenStore). */
  private refreshToken: string | null = null;
  private refreshing: Promise<string> | undefined;
  /**
   * Counts ended sessions. A renewal that was sent before its session ended answers into the
   * next state: it must neither end a later session nor replace a notice, nor revive this one.
   */
  private endedSessions = 0;

  constructor(options: SessionOptions) {
    this.store = options.store;
    this.devices = options.devices;
    this.now = options.now ?? Date.now;
    const endpoint = options.endpoint;
    this.post =
      options.post ??
      ((document, variables, httpOptions) =>
        postOperation(endpoint, document, variables, httpOptions));
  }

  get state(): SessionState {
    return this.current;
  }

  subscribe(listener: (state: SessionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** At launch: renews the stored session if there is one, else shows the log-in screen. */
  async restore(): Promise<void> {
    if (this.store.mode === 'stored') {
      this.refreshToken = await this.store.load().catch(() => null);
      if (this.refreshToken === null) {
        this.setState({ status: 'signedOut' });
        return;
      }
    }
    try {
      await this.renew();
    } catch (error) {
      // A cookie that is missing or refused just means nobody is signed in on this browser.
      if (error instanceof ApiError && error.code === 'NETWORK' && this.store.mode === 'stored') {
        this.setState({
          status: 'signedOut',
          notice: { text: 'No connection to CashTrack.', tone: 'error' },
        });
      } else if (this.current.status !== 'signedOut') {
        this.setState({ status: 'signedOut' });
      }
    }
  }

  async signUp(input: SignUpInput): Promise<void> {
    const answer = await this.post(SignUpDocument, { input }, this.authOptions());
    await this.rememberDevice(input.email, answer.signUp.deviceToken);
    await this.begin(answer.signUp);
  }

  async logIn(input: LogInInput): Promise<void> {
    const deviceToken = await this.devices?.get(input.email).catch(() => undefined);
    const answer = await this.post(
      LogInDocument,
      { input: deviceToken === undefined ? input : { ...input, deviceToken } },
      this.authOptions(),
    );
    await this.rememberDevice(input.email, answer.logIn.deviceToken);
    await this.begin(answer.logIn);
  }

  private async rememberDevice(email: string, token: string | null): Promise<void> {
    if (token === null || this.devices === undefined) return;
    await this.devices.put(email, token).catch(() => undefined);
  }

  /**
   * Revokes the refresh token (best effort when offline) and forgets the session. Nothing to do
   * when already signed out: a socket refused after `logOutEverywhere` must not hide its notice.
   */
  async logOut(): Promise<void> {
    if (this.current.status === 'signedOut') return;
    const token = this.store.mode === 'cookie' ? cookieTokenPlaceholder : this.refreshToken;
    try {
      if (token !== null) {
        const accessToken = await this.accessToken();
        await this.post(
          LogOutDocument,
          { refreshToken: token },
          {
            ...this.authOptions(),
            accessToken,
          },
        );
      }
    } catch {
      // The token is forgotten here whatever the server said; it expires on its own.
    }
    await this.end(undefined);
  }

  /**
   * Ends every session of the account, on every device, then this one. Unlike `logOut` it must
   * reach the server: when it fails, it throws and the person stays signed in, so they know the
   * other devices are not logged out yet.
   */
  async logOutEverywhere(): Promise<void> {
    await this.withAccessToken((accessToken) =>
      this.post(LogOutEverywhereDocument, {}, { ...this.authOptions(), accessToken }),
    );
    await this.end(loggedOutEverywhereNotice);
  }

  /** A valid access token, renewed first when it is about to expire. */
  async accessToken(): Promise<string> {
    if (this.access !== undefined && this.now() < this.access.renewAt) return this.access.token;
    return this.renew();
  }

  /** Runs an operation with the access token; an UNAUTHENTICATED answer renews once and retries. */
  request<Result, Variables>(
    document: TypedDocumentNode<Result, Variables>,
    variables: Variables,
  ): Promise<Result> {
    return this.withAccessToken((accessToken) => this.post(document, variables, { accessToken }));
  }

  /** Sends with the access token; an UNAUTHENTICATED answer renews once and sends again. */
  private async withAccessToken<Result>(
    send: (accessToken: string) => Promise<Result>,
  ): Promise<Result> {
    const token = await this.accessToken();
    try {
      return await send(token);
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'UNAUTHENTICATED') throw error;
      if (this.access?.token === token) this.access = undefined;
      return send(await this.accessToken());
    }
  }

  /**
   * Renews the access token. Concurrent callers share the one renewal in flight: a refresh token
   * is single use, so two renewals with it would end the session.
   */
  renew(): Promise<string> {
    if (this.refreshing !== undefined) return this.refreshing;
    const renewal = this.refreshOnce().finally(() => {
      if (this.refreshing === renewal) this.refreshing = undefined;
    });
    this.refreshing = renewal;
    return renewal;
  }

  private async refreshOnce(): Promise<string> {
    const session = this.endedSessions;
    const token = this.store.mode === 'cookie' ? cookieTokenPlaceholder : this.refreshToken;
    if (token === null) {
      await this.end(endedNotice);
      throw new ApiError('UNAUTHENTICATED', endedNotice.text);
    }
    let payload: SessionFieldsFragment;
    try {
      payload = (
        await this.post(RefreshSessionDocument, { refreshToken: token }, this.authOptions())
      ).refreshSession;
    } catch (error) {
      if (
        session === this.endedSessions &&
        error instanceof ApiError &&
        error.code !== 'NETWORK' &&
        error.code !== 'RATE_LIMITED'
      ) {
        await this.end(this.current.status === 'signedIn' ? endedNotice : undefined);
      }
      throw error;
    }
    if (session !== this.endedSessions) throw new ApiError('UNAUTHENTICATED', endedNotice.text);
    await this.begin(payload);
    return payload.accessToken;
  }

  private async begin(payload: SessionFieldsFragment): Promise<void> {
    const receivedAt = this.now();
    const expiresAt = Date.parse(payload.accessTokenExpiresAt);
    const lifetime = Math.max(0, expiresAt - receivedAt);
    // Renew a little before expiry: 30 s, or a third of a short-lived token's life.
    this.access = {
      token: payload.accessToken,
      expiresAt,
      renewAt: expiresAt - Math.min(30_000, lifetime / 3),
    };
    if (this.store.mode === 'stored' && payload.refreshToken.length > 0) {
      this.refreshToken = payload.refreshToken;
      await this.store.save(payload.refreshToken);
    }
    if (this.current.status !== 'signedIn' || this.current.userId !== payload.user.id) {
      this.setState({ status: 'signedIn', userId: payload.user.id });
    }
  }

  private async end(notice: SessionNotice | undefined): Promise<void> {
    this.endedSessions += 1;
    this.refreshing = undefined;
    this.access = undefined;
    this.refreshToken = null;
    await this.store.clear().catch(() => undefined);
    this.setState(notice === undefined ? { status: 'signedOut' } : { status: 'signedOut', notice });
  }

  private authOptions(): HttpOptions {
    return this.store.mode === 'cookie' ? { headers: { [cookieSessionHeader]: 'cookie' } } : {};
  }

  private setState(state: SessionState): void {
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }
}
