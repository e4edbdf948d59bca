import { getOperationAST } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { RefreshTokenStore } from './refreshTokenStore';
import { Session, type SessionOptions } from './session';

/** The name of the operation in `document`: how a test's fake `post` tells operations apart. */
export function operationName(document: TypedDocumentNode<unknown, unknown>): string {
  return getOperationAST(document)?.name?.value ?? '';
}

/** The tokens signUp, logIn and refreshSession answer: the `n`th pair, issued at `now`. */
export function tokenPayload(n: number, now: number) {
  return {
    accessToken: `access-${n}`,
    refreshToken: `refresh-${n}`,
    accessTokenExpiresAt: new Date(now + 15 * 60_000).toISOString(),
    refreshTokenExpiresAt: new Date(now + 7 * 86_400_000).toISOString(),
    user: { id: 'user-1' },
  };
}

/** The web's store: the gateway keeps the refresh token in a cookie, so the app keeps nothing. */
export const cookieStore: RefreshTokenStore = {
  mode: 'cookie',
  load: async () => null,
  save: async () => undefined,
  clear: async () => undefined,
};

/** A session as the app on the web has it, whose every operation `post` answers. */
export function webSession(post: NonNullable<SessionOptions['post']>): Session {
  return new Session({ endpoint: 'http://gateway/graphql', store: cookieStore, post });
}
