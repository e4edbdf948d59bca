/** In a browser the app is served by the gateway itself: /graphql on the same origin. */
const origin = globalThis.location?.origin ?? 'http://127.0.0.1:4000';

export const graphqlHttpUrl = `${origin}/graphql`;
export const graphqlWsUrl = graphqlHttpUrl.replace(/^http/, 'ws');
