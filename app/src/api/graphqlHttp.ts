import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';
import { ApiError } from './errors';

const printed = new WeakMap<object, string>();

function queryText(document: DocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

export interface HttpOptions {
  readonly accessToken?: string | undefined;
  readonly headers?: Readonly<Record<string, string>>;
}

interface GraphQLErrorBody {
  readonly message?: string;
  readonly extensions?: { code?: unknown; retryAfterSeconds?: unknown; field?: unknown };
}

/** POSTs one typed operation; answers its data or throws an ApiError with the first error's code. */
export async function postOperation<Result, Variables>(
  endpoint: string,
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
  options: HttpOptions = {},
): Promise<Result> {
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(options.accessToken === undefined
          ? {}
          : { authorization: `Bearer ${options.accessToken}` }),
        ...options.headers,
      },
      body: JSON.stringify({ query: queryText(document), variables }),
    });
  } catch (error) {
    throw new ApiError('NETWORK', error instanceof Error ? error.message : 'network error');
  }
  let body: { data?: Result | null; errors?: readonly GraphQLErrorBody[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new ApiError(
      response.status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'NETWORK',
      `HTTP ${response.status}`,
    );
  }
  const first = body.errors?.[0];
  if (first !== undefined) {
    const extensions = first.extensions ?? {};
    const headerRetry = Number(response.headers.get('retry-after'));
    throw new ApiError(
      typeof extensions.code === 'string' ? extensions.code : 'INTERNAL_SERVER_ERROR',
      first.message ?? '',
      {
        retryAfterSeconds:
          typeof extensions.retryAfterSeconds === 'number'
            ? extensions.retryAfterSeconds
            : Number.isFinite(headerRetry) && headerRetry > 0
              ? headerRetry
              : undefined,
        field: typeof extensions.field === 'string' ? extensions.field : undefined,
      },
    );
  }
  if (body.data === undefined || body.data === null) {
    throw new ApiError('INTERNAL_SERVER_ERROR', `HTTP ${response.status} without data`);
  }
  return body.data;
}
