import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type SelectionSetNode } from 'graphql';
import type { RevokedAccessTokens } from '@cashtrack/platform/tokens';
import type { GatewayContext } from '../context.ts';

/** Root fields that, once answered, mean the caller's access token and session have ended. */
const endsCallersSession: Readonly<Record<string, (answer: unknown) => boolean>> = {
  logOut: (answer) => answer === true,
  logOutEverywhere: (answer) => typeof answer === 'number',
};

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
        async willSendResponse({ operation, response, contextValue }) {
          const viewer = contextValue.viewer;
          if (operation === undefined || viewer === undefined || response.body.kind !== 'single') {
            return;
          }
          const data = response.body.singleResult.data;
          if (data === undefined || data === null) return;
          const ended = endingFields(operation.selectionSet).some(({ name, responseKey }) =>
            endsCallersSession[name]?.(data[responseKey]),
          );
          if (!ended) return;
          revoked.revoke(viewer.tokenId, viewer.expiresAt);
          if (viewer.sessionId !== undefined) {
            revoked.revokeSession(viewer.sessionId, viewer.expiresAt);
          }
        },
      };
    },
  };
}

interface RootField {
  readonly name: string;
  readonly responseKey: string;
}

/** The session-ending fields at the root, directly or in inline fragments. */
function endingFields(selectionSet: SelectionSetNode): RootField[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.INLINE_FRAGMENT) return endingFields(selection.selectionSet);
    if (selection.kind !== Kind.FIELD || !Object.hasOwn(endsCallersSession, selection.name.value))
      return [];
    return [
      { name: selection.name.value, responseKey: selection.alias?.value ?? selection.name.value },
    ];
  });
}
