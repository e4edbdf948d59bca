import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { Fetcher } from '@apollo/utils.fetcher';
import { gatewayClientAddressHeader, issuedAccessTokenExtension } from '@cashtrack/platform';
import { OperationTypeNode } from 'graphql';
import type { GatewayContext } from '../context.ts';
import type { SharedQueryFetches } from './sharedQueryFetches.ts';
import { spreadEntities, uniqueRepresentations } from './uniqueRepresentations.ts';

type ReceivedResponse = Parameters<
  NonNullable<RemoteGraphQLDataSource<GatewayContext>['didReceiveResponse']>
>[0];

/**
 * Carries who and what a request is about to the subgraphs: the original bearer token (each
 * subgraph verifies it again), the verified user id, the correlation id and the client address.
 *
 * `signUp`, `logIn` and `refreshSession` come without a token but may select fields of their
 * `user` that other subgraphs resolve (`signUp { user { displayName } }`). For the subgraph that
 * issues tokens (`issuesTokens`), the access token it reports under `issuedAccessTokenExtension`
 * is kept for the rest of the same operation, so those later fetches run as the user who just
 * signed in, checked by each subgraph.
 *
 * A client query's fetches are shared with identical ones of the same token already in flight
 * (`sharedFetches`, see sharedQueryFetches.ts); a mutation's never are.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly issuesTokens: boolean;
  private readonly sharedFetches: SharedQueryFetches<GatewayGraphQLResponse>;

  constructor(options: {
    readonly url: string;
    readonly fetcher: Fetcher;
    readonly issuesTokens: boolean;
    readonly sharedFetches: SharedQueryFetches<GatewayGraphQLResponse>;
  }) {
    super({ url: options.url, fetcher: options.fetcher });
    this.issuesTokens = options.issuesTokens;
    this.sharedFetches = options.sharedFetches;
  }

  /** Each distinct entity representation goes to the subgraph once (see uniqueRepresentations.ts). */
  override async process(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
  ): Promise<GatewayGraphQLResponse> {
    const { variables } = options.request;
    const representations: unknown = variables?.representations;
    const unique = Array.isArray(representations)
      ? uniqueRepresentations(representations)
      : undefined;
    if (unique === undefined) return this.processShared(options);
    const request = {
      ...options.request,
      variables: { ...variables, representations: unique.representations },
    };
    return spreadEntities(await this.processShared({ ...options, request }), unique);
  }

  /**
   * The fetch of a client query with a verified token, shared by identical fetches of that token;
   * anything else (mutations, health checks, requests without a token) is fetched on its own.
   * A joiner's context skips `didReceiveResponse`, which matters only for the tokens auth issues
   * in mutations, and the cache hint of its subgraph answer, which our subgraphs never set.
   */
  private processShared(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
  ): Promise<GatewayGraphQLResponse> {
    // Health checks and schema loading carry no client request.
    if (!('incomingRequestContext' in options)) return super.process(options);
    const { context, request } = options;
    const { viewer, authorization } = context;
    if (
      options.incomingRequestContext.operation?.operation !== OperationTypeNode.QUERY ||
      viewer === undefined ||
      authorization === undefined
    ) {
      return super.process(options);
    }
    const key = [
      this.url,
      authorization,
      request.operationName ?? '',
      request.query ?? '',
      JSON.stringify(request.variables ?? {}),
    ].join('\n');
    return this.sharedFetches.fetch(viewer.userId, key, () => super.process(options));
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Health checks and schema loading carry no client request.
    if (!('incomingRequestContext' in options)) return;
    const headers = options.request.http?.headers;
    if (headers === undefined) return;
    const { context } = options;
    headers.set('x-correlation-id', context.correlationId);
    // Signed with the rest of the request (signedFetcher.ts): subgraphs believe no other source.
    headers.set(gatewayClientAddressHeader, context.clientAddress);
    const authorization = context.authorization ?? context.issuedInOperation.authorization;
    if (authorization !== undefined) headers.set('authorization', authorization);
    if (context.viewer !== undefined) headers.set('x-user-id', context.viewer.userId);
  }

  override didReceiveResponse({ response, context }: ReceivedResponse): GatewayGraphQLResponse {
    // Auth puts the token in its response's extensions whether or not the client selected
    // `accessToken`; the gateway never passes subgraph extensions on to the client.
    const token: unknown = response.extensions?.[issuedAccessTokenExtension];
    if (this.issuesTokens && typeof token === 'string' && 'issuedInOperation' in context) {
      context.issuedInOperation.authorization = `Bearer ${token}`;
    }
    return response;
  }
}

/** A joiner's own copy of a shared subgraph answer: the gateway merges into answers in place. */
export function copySubgraphAnswer(answer: GatewayGraphQLResponse): GatewayGraphQLResponse {
  return {
    ...answer,
    data: answer.data == null ? answer.data : structuredClone(answer.data),
    errors: answer.errors === undefined ? undefined : structuredClone(answer.errors),
    extensions: answer.extensions === undefined ? undefined : structuredClone(answer.extensions),
  };
}
