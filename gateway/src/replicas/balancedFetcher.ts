import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { CodedError, createLogger } from '@cashtrack/platform';
import { failedOnReusedConnection, keepAliveFetch } from './keepAliveFetch.ts';
import type { ReplicaPool } from './replicaPool.ts';

const log = createLogger('gateway');

/**
 * A fetcher for one subgraph that sends each request to the pool's next replica and, when that
 * replica cannot be reached, tries the next. A refused connection never reached a server, so it
 * is retried for any operation; a connection lost mid-request is retried only for queries,
 * because a mutation may already have run.
 *
 * When no replica answers, the client gets `SERVICE_UNAVAILABLE` naming the subgraph, rather
 * than an `INTERNAL_SERVER_ERROR` that reads as a bug: an outage is expected and worth a retry.
 * A mutation whose answer was lost mid-request says its change may have been made, so a person
 * checks before sending it again.
 */
export function balancedFetcher(
  subgraph: string,
  pool: ReplicaPool,
  transport: Fetcher = keepAliveFetch,
): Fetcher {
  return async (_composedUrl: string, init?: FetcherRequestInit): Promise<FetcherResponse> => {
    let lastError: unknown;
    for (const url of pool.candidates()) {
      try {
        const response = await sendRetryingStaleConnection(transport, url, init);
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
        if (!retriable) throw unavailable(subgraph, error, { changeMayHaveBeenMade: true });
      }
    }
    throw unavailable(subgraph, lastError, { changeMayHaveBeenMade: false });
  };
}

/**
 * A query whose keep-alive connection the replica had just closed for idleness (racing our reuse
 * of it, the more often the busier the replica) goes once more to the same replica on another
 * connection before the replica counts as failed: with one replica that race was a
 * SERVICE_UNAVAILABLE. A mutation is not sent again, since a reset cannot prove it did not run.
 */
async function sendRetryingStaleConnection(
  transport: Fetcher,
  url: string,
  init: FetcherRequestInit | undefined,
): Promise<FetcherResponse> {
  try {
    return await transport(url, init);
  } catch (error) {
    if (!failedOnReusedConnection(error) || isMutation(init?.body)) throw error;
    return transport(url, init);
  }
}

function unavailable(
  subgraph: string,
  cause: unknown,
  details: { readonly changeMayHaveBeenMade: boolean },
): CodedError {
  const message = details.changeMayHaveBeenMade
    ? `The ${subgraph} service stopped answering; the change may have been made`
    : `The ${subgraph} service cannot be reached; try again shortly`;
  return new CodedError(
    'SERVICE_UNAVAILABLE',
    message,
    { service: subgraph, ...details },
    { cause },
  );
}

/** The socket's error code: node:http puts it on the error, fetch on its cause. */
function networkErrorCode(error: unknown): string {
  const own = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  if (typeof own === 'string') return own;
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
