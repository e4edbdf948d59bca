import type { VerifiedAccessToken } from '@cashtrack/platform';

/** What every part of the gateway knows about one request. */
export interface GatewayContext {
  readonly correlationId: string;
  /** The caller's address: the first `x-forwarded-for` hop when a trusted proxy set it, else the socket's. */
  readonly clientAddress: string;
  /** The raw `Authorization` header, forwarded to subgraphs so they verify the token too. */
  readonly authorization: string | undefined;
  /** Who the access token speaks for; undefined when there was none or it was refused. */
  readonly viewer: VerifiedAccessToken | undefined;
  /** A token the auth subgraph issued earlier in this same operation (see SubgraphDataSource). */
  readonly issuedInOperation: { authorization?: string };
  /**
   * The gateway's own follow-up query for a subscription event: not counted by rate limits
   * (the subscriber made one request, the subscription) nor logged as a client request.
   */
  readonly internal: boolean;
}
