import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { gatewayClientAddressHeader, gatewaySignatureHeaders } from '@cashtrack/platform';
import { parsedUrl } from './parsedUrls.ts';

/**
 * Signs each subgraph request as the gateway's (platform/src/gatewaySignature.ts) just before it
 * goes out, per replica URL, over the body exactly as sent and the headers the data source set
 * (`authorization`, the client address): subgraphs refuse anything else.
 */
export function signedFetcher(secret: string, transport: Fetcher): Fetcher {
  return (url: string, init: FetcherRequestInit = {}): Promise<FetcherResponse> => {
    const target = parsedUrl(url);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(init.headers ?? {})) {
      headers[name.toLowerCase()] = value;
    }
    const signature = gatewaySignatureHeaders(secret, {
      method: init.method ?? 'GET',
      target: `${target.pathname}${target.search}`,
      body: init.body ?? '',
      authorization: headers.authorization,
      clientAddress: headers[gatewayClientAddressHeader],
    });
    return transport(url, { ...init, headers: { ...headers, ...signature } });
  };
}
