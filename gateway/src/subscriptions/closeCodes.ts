/**
 * How the gateway closes a subscription socket, for clients to act on. graphql-ws's own codes
 * (4400 bad request, 4408 no connection_init in time, 4409 duplicate id, 4429 repeated init...)
 * keep their meaning.
 */
export enum SocketCloseCode {
  /**
   * A frame was larger than `GATEWAY_WS_MAX_PAYLOAD_BYTES` (default 100 000, as over HTTP).
   * WebSocket's own "message too big"; the `ws` library sends it before reading the frame.
   */
  MessageTooBig = 1009,
  /**
   * `connection_init` carried no valid access token in `connectionParams.authorization`, or a
   * renewal named another user. graphql-ws's code for a refused connection; clients do not retry.
   */
  InvalidToken = 4403,
  /**
   * The access token expired while the socket was open and was not renewed in time. Clients
   * reconnect with a fresh token (graphql-ws retries on this code; give `connectionParams` as a
   * function that returns the current token). Renew in-band instead by sending
   * `{"type":"ping","payload":{"authorization":"Bearer <new token>"}}` before expiry.
   */
  TokenExpired = 4419,
  /**
   * The access token the socket speaks for was revoked, alone or with its session (`logOut`,
   * `logOutEverywhere`). Closed within about a second of the revocation reaching this gateway;
   * the person signs in again.
   */
  TokenRevoked = 4420,
  /**
   * The client's address already has `GATEWAY_WS_MAX_SOCKETS_PER_ADDRESS` sockets open. The
   * address is the one the gateway uses everywhere (`GATEWAY_TRUST_PROXY`). Close another first.
   */
  TooManySocketsFromAddress = 4430,
  /** The user already has `GATEWAY_WS_MAX_SOCKETS_PER_USER` authenticated sockets open. */
  TooManySocketsForUser = 4431,
}

/**
 * The error code of a `subscribe` refused because its socket already runs
 * `GATEWAY_WS_MAX_SUBSCRIPTIONS_PER_SOCKET` operations. The socket stays open; the others go on.
 */
export const tooManySubscriptionsCode = 'TOO_MANY_SUBSCRIPTIONS';
