import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, OperationTypeNode } from 'graphql';
import type { GatewayContext } from '../context.ts';
import { RateLimiter, type BucketCharge } from '../limits/rateLimiter.ts';
import type { TokenBucketPolicy } from '../limits/tokenBucket.ts';
import { rootFieldExecutions } from './rootFields.ts';

export interface RateLimitPolicies {
  /** Each signed-in user, per root field. `GATEWAY_RATE_USER_BURST` / `_PER_SECOND`, default 30 and 5. */
  readonly perUser: TokenBucketPolicy;
  /** Each client address, per root field, signed in or not. `GATEWAY_RATE_ADDRESS_BURST` / `_PER_SECOND`, default 60 and 10. */
  readonly perAddress: TokenBucketPolicy;
  /**
   * `signUp` per client address, on top of `perAddress`: accounts are cheap to ask for and each
   * costs a password hash and a stored credential. `GATEWAY_RATE_SIGNUP_BURST` /
   * `_PER_HOUR`, default 5 and 10. Absent: no extra limit (tests that sign many people up).
   */
  readonly signUpsPerAddress?: TokenBucketPolicy;
}

/**
 * Token buckets per user and per client address for each root field, charged one token per
 * execution: ten aliased `signUp` fields in one request cost ten tokens, so aliases cannot
 * multiply a limit (fields are named by their real names, which a client cannot rename its way
 * around). A request is charged all of its tokens or none. An empty bucket answers RATE_LIMITED
 * with HTTP 429, `Retry-After` and `extensions.retryAfterSeconds`, before any subgraph is called.
 */
export function rateLimit(
  policies: RateLimitPolicies,
  limiter = new RateLimiter(),
  /** Told of each refused request (the gateway's /metrics). */
  onRefused: () => void = () => undefined,
): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      let refusedFor: number | undefined;
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          // Apollo resolves the operation before this hook; a missing one has already failed.
          if (operation === undefined || contextValue.internal) return;
          const charges: BucketCharge[] = [];
          for (const [field, cost] of rootFieldExecutions(operation, document)) {
            const fieldKey = `${operation.operation}.${field}`;
            charges.push({
              key: `address:${contextValue.clientAddress}:${fieldKey}`,
              policy: policies.perAddress,
              cost,
            });
            if (contextValue.viewer !== undefined) {
              charges.push({
                key: `user:${contextValue.viewer.userId}:${fieldKey}`,
                policy: policies.perUser,
                cost,
              });
            }
            if (
              operation.operation === OperationTypeNode.MUTATION &&
              field === 'signUp' &&
              policies.signUpsPerAddress !== undefined
            ) {
              charges.push({
                key: `signUp:${contextValue.clientAddress}`,
                policy: policies.signUpsPerAddress,
                cost,
              });
            }
          }
          const outcome = limiter.takeAll(charges);
          if (outcome.allowed) return;
          const { retryAfterSeconds } = outcome;
          refusedFor = retryAfterSeconds;
          onRefused();
          throw new GraphQLError(
            outcome.tooLarge
              ? 'This request runs a field more often than its rate limit ever allows; split it'
              : `Too many requests; retry in ${retryAfterSeconds} s`,
            { extensions: { code: 'RATE_LIMITED', retryAfterSeconds } },
          );
        },
        // Status and header are set on the response rather than through the error's
        // `extensions.http`, whose typing other GraphQL servers' packages redeclare.
        async willSendResponse({ response }) {
          if (refusedFor === undefined) return;
          response.http.status = 429;
          response.http.headers.set('retry-after', String(refusedFor));
        },
      };
    },
  };
}
