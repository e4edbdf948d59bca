/**
 * How the gateway closes a subscription socket, for clients to act on. graphql-ws's own codes
 * (4400 bad request, 4408 no connection_init in time, 4409 duplicate id, 4429 repeated init...)
 * keep their meaning.
 */
export enum SocketCloseCode {
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
}
