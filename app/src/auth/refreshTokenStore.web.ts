import type { RefreshTokenStore } from './refreshTokenStore';

export type { RefreshTokenStore } from './refreshTokenStore';

/**
 * In a browser the refresh token never reaches a script: the gateway moves it into an httpOnly,
 * SameSite=Strict cookie scoped to /graphql (gateway/src/plugins/sessionCookie.ts) and takes it
 * from there when the app refreshes or logs out. See the README, "The app".
 */
export const refreshTokenStore: RefreshTokenStore = {
  mode: 'cookie',
  load: async () => null,
  save: async () => undefined,
  clear: async () => undefined,
};
