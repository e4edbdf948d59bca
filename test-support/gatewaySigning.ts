import {
  gatewayClientAddressHeader,
  gatewaySignatureHeaders,
  subgraphSharedSecretFromEnv,
} from '@cashtrack/platform';

/**
 * Tests and benches that call a subgraph directly stand in for the gateway: they sign like it,
 * with the secret the in-process subgraphs resolve the same way (`SUBGRAPH_SHARED_SECRET`, or
 * the development secret on loopback).
 */
export const testSubgraphSecret = subgraphSharedSecretFromEnv({ host: '127.0.0.1' });

export interface GatewaySigningOptions {
  readonly method?: string;
  readonly body?: string;
  readonly authorization?: string;
  /** The end client's address the "gateway" vouches for. */
  readonly clientAddress?: string;
  readonly nowMs?: number;
  readonly secret?: string;
}

/** The headers the gateway would add to a request to `url`: timestamp, signature, client address. */
export function gatewaySignedHeaders(
  url: string | URL,
  options: GatewaySigningOptions = {},
): Record<string, string> {
  const target = new URL(url);
  return {
    ...(options.clientAddress === undefined
      ? {}
      : { [gatewayClientAddressHeader]: options.clientAddress }),
    ...gatewaySignatureHeaders(
      options.secret ?? testSubgraphSecret,
      {
        method: options.method ?? 'POST',
        target: `${target.pathname}${target.search}`,
        body: options.body ?? '',
        authorization: options.authorization,
        clientAddress: options.clientAddress,
      },
      options.nowMs,
    ),
  };
}
