import type { ApolloServerPlugin } from '@apollo/server';
import { OperationTypeNode } from 'graphql';
import type { RevokedAccessTokens } from '@cashtrack/platform/tokens';
import type { GatewayContext } from '../context.ts';
import { endedByCaller } from './sessionEndingFields.ts';

/**
 * Refuses the caller's access token on this gateway as soon as its `logOut` or
 * `logOutEverywhere` succeeded (and, for `logOutEverywhere`, the rest of its session), instead of
 * after auth's revocations have come round through Kafka (which still reach every other replica
 * and end the rest): the app's next request after logging out is refused even on a busy system.
 */
export function revokeOnLogOut(revoked: RevokedAccessTokens): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, document, response, contextValue }) {
          const viewer = contextValue.viewer;
          // logOut and logOutEverywhere are mutations: a query ends nothing, unread.
          if (
            operation?.operation !== OperationTypeNode.MUTATION ||
            document === undefined ||
            viewer === undefined ||
            response.body.kind !== 'single'
          ) {
            return;
          }
          const data = response.body.singleResult.data;
          if (data === undefined || data === null) return;
          const ended = endedByCaller(operation, document, data);
          if (ended === undefined) return;
          revoked.revoke(viewer.tokenId, viewer.expiresAt);
          if (ended === 'session' && viewer.sessionId !== undefined) {
            revoked.revokeSession(viewer.sessionId, viewer.expiresAt);
          }
        },
      };
    },
  };
}
