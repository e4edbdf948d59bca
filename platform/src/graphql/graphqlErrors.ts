import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { currentCorrelationId } from '../correlation.ts';
import { CodedError, InternalCodedError } from '../errors.ts';
import type { Logger } from '../logger.ts';

/**
 * Coded GraphQL errors: every error a client sees carries `extensions.code` (and the error's
 * details, e.g. `retryAfterSeconds`), so apps branch on codes, never on messages.
 */

/** HTTP status Apollo Server answers with when an error carrying the code reaches the top. */
const httpStatusByCode: Readonly<Record<string, number>> = {
  UNAUTHENTICATED: 401,
};

export function codedGraphQLError(
  code: string,
  message: string,
  details: Readonly<Record<string, unknown>> = {},
): GraphQLError {
  const status = httpStatusByCode[code];
  return new GraphQLError(message, {
    extensions: { ...details, code, ...(status === undefined ? {} : { http: { status } }) },
  });
}

/** The caller sent no access token, or one that failed verification. */
export function unauthenticatedError(message = 'A valid access token is required'): GraphQLError {
  return codedGraphQLError('UNAUTHENTICATED', message);
}

/**
 * The code a client will see for an error (see `createErrorFormatter`), for counting errors
 * before they are formatted. At that point the gateway's errors are not all `GraphQLError`s: a
 * failed subgraph fetch arrives as the fetcher threw it.
 */
export function clientErrorCode(error: unknown): string {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (original instanceof CodedError) {
    return original instanceof InternalCodedError ? 'INTERNAL_SERVER_ERROR' : original.code;
  }
  const code = error instanceof GraphQLError ? error.extensions.code : undefined;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

/**
 * Apollo `formatError`: a `CodedError` thrown anywhere in a resolver keeps its code and details;
 * errors GraphQL or Apollo coded themselves (validation, bad variables) pass through; anything
 * else (and any `InternalCodedError`) is a bug or an outage, logged in full and shown only as
 * `INTERNAL_SERVER_ERROR` with the correlation id to quote, so stack traces, driver messages and
 * event validator details never reach a client.
 */
export function createErrorFormatter(
  log: Logger,
): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  return (formatted, error) => {
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    if (original instanceof CodedError && !(original instanceof InternalCodedError)) {
      return {
        message: original.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { ...original.details, code: original.code },
      };
    }
    const code = formatted.extensions?.code;
    if (
      !(original instanceof CodedError) &&
      (original instanceof GraphQLError ||
        (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR'))
    ) {
      return formatted;
    }
    const correlationId = currentCorrelationId();
    log.error(
      { err: original, path: formatted.path, correlationId },
      'unexpected error in a resolver',
    );
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: {
        code: 'INTERNAL_SERVER_ERROR',
        ...(correlationId === undefined ? {} : { correlationId }),
      },
    };
  };
}
