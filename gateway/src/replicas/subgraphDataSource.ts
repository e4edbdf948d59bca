import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayContext } from '../context.ts';

/**
 * Carries who and what a request is about to the subgraphs: the original bearer token (each
 * subgraph verifies it again), the verified user id, the correlation id and the client address.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Health checks and schema loading carry no client request.
    if (!('incomingRequestContext' in options)) return;
    const headers = options.request.http?.headers;
    if (headers === undefined) return;
    const { context } = options;
    headers.set('x-correlation-id', context.correlationId);
    headers.set('x-forwarded-for', context.clientAddress);
    if (context.authorization !== undefined) headers.set('authorization', context.authorization);
    if (context.viewer !== undefined) headers.set('x-user-id', context.viewer.userId);
  }
}
