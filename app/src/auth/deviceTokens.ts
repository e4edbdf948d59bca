import * as SecureStore from 'expo-secure-store';

/**
 * The device tokens auth hands out at sign-up and log-in, one per email, sent with the next
 * log-in so that other people's failed attempts never slow this device down. Not credentials;
 * on a phone they sit in the secure store all the same.
 */
export interface DeviceTokenStore {
  get(email: string): Promise<string | undefined>;
  put(email: string, token: string): Promise<void>;
}

const key = 'cashtrack.deviceTokens';

export function parseDeviceTokens(text: string | null): Record<string, string> {
  try {
    const parsed = JSON.parse(text ?? '{}') as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    );
  } catch {
    return {};
  }
}

export const deviceTokenStore: DeviceTokenStore = {
  async get(email) {
    return parseDeviceTokens(await SecureStore.getItemAsync(key))[email.toLowerCase()];
  },
  async put(email, token) {
    const tokens = parseDeviceTokens(await SecureStore.getItemAsync(key));
    tokens[email.toLowerCase()] = token;
    await SecureStore.setItemAsync(key, JSON.stringify(tokens));
  },
};
