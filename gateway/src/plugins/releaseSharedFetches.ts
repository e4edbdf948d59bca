import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { OperationTypeNode } from 'graphql';
import type { GatewayContext } from '../context.ts';
import type { SharedQueryFetches } from '../replicas/sharedQueryFetches.ts';

/**
 * Read-your-writes for shared subgraph fetches: once a user's mutation has run, and before its
 * answer goes out, no later query of that user may join a fetch that began before it (see
 * sharedQueryFetches.ts). Every mutation counts, failed ones too: part of it may have been done.
 */
export function releaseSharedFetches(
  sharedFetches: SharedQueryFetches<GatewayGraphQLResponse>,
): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, contextValue }) {
          if (operation?.operation !== OperationTypeNode.MUTATION) return;
          if (contextValue.viewer !== undefined) {
            sharedFetches.mutationCompleted(contextValue.viewer.userId);
          }
        },
      };
    },
  };
}
