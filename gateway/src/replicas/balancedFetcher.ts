import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { createLogger } from '@cashtrack/platform';
import type { ReplicaPool } from './replicaPool.ts';

const log = createLogger('gateway');

/**
 * A fetcher for one subgraph that sends each request to the pool's next replica and, when that
 * replica cannot be reached, tries the next. A refused connection never reached a server, so it
 * is retried for any operation; a connection lost mid-request is retried only for queries,
 * because a mutation may already have run.
 */
export function balancedFetcher(subgraph: string, pool: ReplicaPool): Fetcher {
  return async (_composedUrl: string, init?: FetcherRequestInit): Promise<FetcherResponse> => {
    let lastError: unknown;
    for (const url of pool.candidates()) {
      try {
        // Apollo always sends a JSON text body; as a string it is a BodyInit under every Node typing.
        const response = await fetch(url, { ...init, body: init?.body?.toString() });
        pool.succeeded(url);
        return response;
      } catch (error) {
        pool.failed(url);
        lastError = error;
        const retriable = connectionRefused(error) || !isMutation(init?.body);
        log.warn(
          { subgraph, url, error: networkErrorCode(error), retrying: retriable },
          'subgraph replica unreachable',
        );
        if (!retriable) throw error;
      }
    }
    throw lastError;
  };
}

function networkErrorCode(error: unknown): string {
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string'
    ? cause.code
    : error instanceof Error
      ? error.message
      : String(error);
}

function connectionRefused(error: unknown): boolean {
  return networkErrorCode(error) === 'ECONNREFUSED';
}

function isMutation(body: string | Buffer | undefined): boolean {
  if (body === undefined) return false;
  try {
    const { query } = JSON.parse(body.toString()) as { query?: unknown };
    return typeof query === 'string' && /^\s*mutation\b/.test(query);
  } catch {
    return false;
  }
}
