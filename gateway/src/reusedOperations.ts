import { createRequire } from 'node:module';
import { Kind, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { Operation, Schema } from '@apollo/federation-internals';

interface OperationOptions {
  readonly operationName?: string;
  readonly validate?: boolean;
}

type OperationFromDocument = (
  schema: Schema,
  document: DocumentNode,
  options?: OperationOptions,
) => Operation;

/** The module of @apollo/federation-internals whose export the gateway calls at run time. */
interface OperationsModule {
  operationFromDocument: OperationFromDocument;
}

const requireFromHere = createRequire(import.meta.url);

let applied = false;

/**
 * @apollo/gateway 2.14's `executeQueryPlan` rebuilds the federation `Operation` of the request's
 * document on every request, to shape the answer, even when the plan came from its plan cache:
 * 3.6% of our gateway's CPU in the bench's mix (profiled). Apollo Server hands every request for
 * the same query text the same parsed document (its document store), so the `Operation` is
 * built once per operation definition and schema and reused; it is only read afterwards. Only
 * that call is served here (validation off, no operation name, the operation first), so query
 * planning, which validates, is untouched; the weak maps forget an entry with its document or
 * schema (a new supergraph). Idempotent; `startGateway` applies it.
 */
export function reuseExecutedOperations(): void {
  if (applied) return;
  applied = true;
  const operations = requireFromHere(
    '@apollo/federation-internals/dist/operations.js',
  ) as OperationsModule;
  const build = operations.operationFromDocument;
  const built = new WeakMap<Schema, WeakMap<OperationDefinitionNode, Operation>>();
  operations.operationFromDocument = (schema, document, options) => {
    const [first] = document.definitions;
    if (
      options?.validate !== false ||
      options.operationName !== undefined ||
      first?.kind !== Kind.OPERATION_DEFINITION
    ) {
      return build(schema, document, options);
    }
    let bySchema = built.get(schema);
    if (bySchema === undefined) {
      bySchema = new WeakMap();
      built.set(schema, bySchema);
    }
    const known = bySchema.get(first);
    if (known !== undefined) return known;
    const operation = build(schema, document, options);
    bySchema.set(first, operation);
    return operation;
  };
}
