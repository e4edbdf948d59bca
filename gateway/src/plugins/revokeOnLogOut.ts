import type { ApolloServerPlugin } from '@apollo/server';
import type { RevokedAccessTokens } from '@cashtrack/platform/tokens';
import type { GatewayContext } from '../context.ts';
import { endedCallersSession } from './sessionEndingFields.ts';

/**
 * Refuses the caller's access token, and the rest of its session, on this gateway as soon as its
 * `logOut` or `logOutEverywhere` succeeded, instead of after auth's revocations have come round
 * through Kafka (which still reach every other replica): the app's next request after logging
 * out is refused even on a busy system.
 */
export function revokeOnLogOut(revoked: RevokedAccessTokens): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, document, response, contextValue }) {
          const viewer = contextValue.viewer;
          if (
            operation === undefined ||
            document === undefined ||
            viewer === undefined ||
            response.body.kind !== 'single'
          ) {
            return;
          }
          const data = response.body.singleResult.data;
          if (data === undefined || data === null) return;
          if (!endedCallersSession(operation, document, data)) return;
          revoked.revoke(viewer.tokenId, viewer.expiresAt);
          if (viewer.sessionId !== undefined) {
            revoked.revokeSession(viewer.sessionId, viewer.expiresAt);
          }
        },
      };
    },
  };
}
