import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { activeTraceCarrier } from '@cashtrack/platform';

/**
 * Sends the active trace context (Apollo Gateway's span of this fetch) to the subgraph as W3C
 * `traceparent` and `tracestate`, so the subgraph's spans join the client's trace. The headers
 * are not among the signed parts (gatewaySignature.ts): they name a trace, they grant nothing.
 * Tracing off: the request goes as it is.
 */
export function tracedFetcher(transport: Fetcher): Fetcher {
  return (url: string, init: FetcherRequestInit = {}): Promise<FetcherResponse> => {
    const carrier = activeTraceCarrier();
    if (carrier === undefined) return transport(url, init);
    return transport(url, { ...init, headers: { ...init.headers, ...carrier } });
  };
}
