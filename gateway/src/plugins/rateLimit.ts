import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../context.ts';
import { RateLimiter } from '../limits/rateLimiter.ts';
import type { TokenBucketPolicy } from '../limits/tokenBucket.ts';
import { rootFieldNames } from './rootFields.ts';

export interface RateLimitPolicies {
  /** Each signed-in user, per operation. `GATEWAY_RATE_USER_BURST` / `_PER_SECOND`, default 30 and 5. */
  readonly perUser: TokenBucketPolicy;
  /** Each client address, per operation, signed in or not. `GATEWAY_RATE_ADDRESS_BURST` / `_PER_SECOND`, default 60 and 10. */
  readonly perAddress: TokenBucketPolicy;
}

/**
 * Token buckets per user and per client address for each operation (named by its root fields,
 * which a client cannot rename its way around). An empty bucket answers RATE_LIMITED with HTTP
 * 429, `Retry-After` and `extensions.retryAfterSeconds`, before any subgraph is called.
 */
export function rateLimit(
  policies: RateLimitPolicies,
  limiter = new RateLimiter(),
): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      let refusedFor: number | undefined;
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          // Apollo resolves the operation before this hook; a missing one has already failed.
          if (operation === undefined || contextValue.internal) return;
          const operationKey = `${operation.operation}:${rootFieldNames(operation, document).sort().join(',')}`;
          const checks = [
            limiter.take(
              `address:${contextValue.clientAddress}:${operationKey}`,
              policies.perAddress,
            ),
          ];
          if (contextValue.viewer !== undefined) {
            checks.push(
              limiter.take(`user:${contextValue.viewer.userId}:${operationKey}`, policies.perUser),
            );
          }
          if (checks.every((check) => check.allowed)) return;
          const retryAfterSeconds = Math.max(...checks.map((check) => check.retryAfterSeconds));
          refusedFor = retryAfterSeconds;
          throw new GraphQLError(`Too many requests; retry in ${retryAfterSeconds} s`, {
            extensions: { code: 'RATE_LIMITED', retryAfterSeconds },
          });
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
