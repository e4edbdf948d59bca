import Constants from 'expo-constants';

/**
 * Where the gateway is, on a phone: EXPO_PUBLIC_CASHTRACK_URL when set (e.g.
 * http://192.168.1.20:4000), else port 4000 on the computer running the Expo dev server.
 */
function gatewayOrigin(): string {
  // Expo inlines EXPO_PUBLIC_ variables into the bundle when it is built.
  const configured = process.env.EXPO_PUBLIC_CASHTRACK_URL as string | undefined;
  if (configured !== undefined && configured.length > 0) return configured.replace(/\/+$/, '');
  const host = Constants.expoConfig?.hostUri?.split(':')[0] ?? '127.0.0.1';
  return `http://${host}:4000`;
}

export const graphqlHttpUrl = `${gatewayOrigin()}/graphql`;
export const graphqlWsUrl = graphqlHttpUrl.replace(/^http/, 'ws');
