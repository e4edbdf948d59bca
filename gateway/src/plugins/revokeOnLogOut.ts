import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type SelectionSetNode } from 'graphql';
import type { RevokedAccessTokens } from '@cashtrack/platform/tokens';
import type { GatewayContext } from '../context.ts';

/**
 * Refuses the caller's access token on this gateway as soon as its `logOut` succeeded, instead of
 * after auth's `AccessTokenRevoked` has come round through Kafka (which still reaches every other
 * replica): the app's next request after logging out is refused even on a busy system.
 */
export function revokeOnLogOut(revoked: RevokedAccessTokens): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, response, contextValue }) {
          const viewer = contextValue.viewer;
          if (operation === undefined || viewer === undefined || response.body.kind !== 'single') {
            return;
          }
          const data = response.body.singleResult.data;
          if (data === undefined || data === null) return;
          if (logOutKeys(operation.selectionSet).some((key) => data[key] === true)) {
            revoked.revoke(viewer.tokenId, viewer.expiresAt);
          }
        },
      };
    },
  };
}

/** The response keys of `logOut` fields at the root, directly or in inline fragments. */
function logOutKeys(selectionSet: SelectionSetNode): string[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.INLINE_FRAGMENT) return logOutKeys(selection.selectionSet);
    if (selection.kind !== Kind.FIELD || selection.name.value !== 'logOut') return [];
    return [selection.alias?.value ?? selection.name.value];
  });
}
