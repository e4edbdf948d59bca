import { parseDeviceTokens, type DeviceTokenStore } from './deviceTokens';

export type { DeviceTokenStore } from './deviceTokens';

/**
 * In a browser device tokens go to localStorage: they are not credentials (auth's schema says
 * so), only a mark that this browser has logged in to that email before.
 */
const key = 'cashtrack.deviceTokens';

function read(): Record<string, string> {
  try {
    return parseDeviceTokens(globalThis.localStorage?.getItem(key) ?? null);
  } catch {
    return {};
  }
}

export const deviceTokenStore: DeviceTokenStore = {
  async get(email) {
    return read()[email.toLowerCase()];
  },
  async put(email, token) {
    const tokens = read();
    tokens[email.toLowerCase()] = token;
    try {
      globalThis.localStorage?.setItem(key, JSON.stringify(tokens));
    } catch {
      // Private browsing: log-ins just are not marked as known.
    }
  },
};
