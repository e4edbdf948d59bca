import type { AuthSession } from '../commands/session.ts';

/** `AuthPayload` as GraphQL shows it; `user` is a reference the user subgraph resolves. */
export function authPayload(session: AuthSession): {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: string;
  refreshTokenExpiresAt: string;
  deviceToken: string | null;
  user: { __typename: 'User'; id: string };
} {
  return {
    accessToken: session.accessToken,
    refreshToken: session.refreshToken,
    accessTokenExpiresAt: session.accessTokenExpiresAt.toISOString(),
    refreshTokenExpiresAt: session.refreshTokenExpiresAt.toISOString(),
    deviceToken: session.deviceToken,
    user: { __typename: 'User', id: session.userId },
  };
}
