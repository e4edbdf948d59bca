import type { ApolloServerPlugin } from '@apollo/server';
import { unauthenticatedError } from '@cashtrack/platform/graphql';
import type { GatewayContext } from '../context.ts';
import { rootFieldNames } from './rootFields.ts';

/** Root fields anyone may call: they are how a token is obtained. */
export const publicRootFields: ReadonlySet<string> = new Set([
  'signUp',
  'logIn',
  'refreshSession',
  '__typename',
]);

const introspectionFields: ReadonlySet<string> = new Set(['__schema', '__type']);

/**
 * Refuses every operation that selects anything beyond the public root fields unless the request
 * carried a valid access token: UNAUTHENTICATED with HTTP 401, before any subgraph is called.
 * An expired token does not stop `refreshSession`, which is how the app renews it. Introspection
 * passes without a token only where introspection is on (development), so the playground can
 * load the schema before a token is pasted.
 */
export function requireAuthentication(options: {
  readonly introspection: boolean;
}): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      // A verified caller may ask anything: no hook to run for the rest of the request.
      if (contextValue.viewer !== undefined) return undefined;
      return {
        async didResolveOperation({ operation, document }) {
          // Apollo resolves the operation before this hook; a missing one has already failed.
          if (operation === undefined) return;
          const open = rootFieldNames(operation, document).every(
            (field) =>
              publicRootFields.has(field) ||
              (options.introspection && introspectionFields.has(field)),
          );
          if (!open) throw unauthenticatedError();
        },
      };
    },
  };
}
