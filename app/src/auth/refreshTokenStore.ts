import * as SecureStore from 'expo-secure-store';

/**
 * Where the refresh token lives between launches. On a phone: the platform's secure store
 * (Keychain / Keystore), readable only by this app.
 */
export interface RefreshTokenStore {
  /**
   * `stored`: the app holds the token and sends it. `cookie`: the gateway keeps it in an
   * httpOnly cookie the app's scripts cannot read (the web build).
   */
  readonly mode: 'stored' | 'cookie';
  load(): Promise<string | null>;
  save(token: string): Promise<void>;
  clear(): Promise<void>;
}

const key = 'cashtrack.refreshToken';

export const refreshTokenStore: RefreshTokenStore = {
  mode: 'stored',
  load: () => SecureStore.getItemAsync(key),
  save: (token) => SecureStore.setItemAsync(key, token),
  clear: () => SecureStore.deleteItemAsync(key),
};
