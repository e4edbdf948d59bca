import { Kind, parse, print, type DocumentNode } from 'graphql';
import { operationFromDocument, type Supergraph } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';

/**
 * Whether `subgraph` alone answers `lookup` (a subscription's selection as a query on its lookup
 * field) with exactly the selection the client wrote: then the subgraph's own subscription
 * events are already the client's results, and no query has to be planned and run per event.
 */
export type ResolvedAlone = (lookup: DocumentNode, subgraph: string) => boolean;

/**
 * Asks the query planner, once per distinct operation (the caller caches): the plan must be one
 * fetch from `subgraph` whose selection is the client's, printed alike. Anything else (fields of
 * other subgraphs, fragments the planner inlines, fields it adds such as `__typename` for entity
 * keys, conditions) answers false, and the gateway resolves each event by query planning.
 */
export function resolvedAloneBy(supergraph: Supergraph): ResolvedAlone {
  const planner = new QueryPlanner(supergraph);
  return (lookup, subgraph) => {
    let node;
    try {
      node = planner.buildQueryPlan(operationFromDocument(supergraph.schema, lookup)).node;
    } catch {
      // Not plannable here: the general path runs the query per event, and its errors reach
      // the client through the gateway's usual pipeline.
      return false;
    }
    if (node?.kind !== 'Fetch' || node.serviceName !== subgraph) return false;
    const fetched = rootSelection(parse(node.operation));
    return fetched !== undefined && fetched === rootSelection(lookup);
  };
}

/** The selection under the single root field of the document's only operation, printed. */
function rootSelection(document: DocumentNode): string | undefined {
  const operations = document.definitions.filter(
    (definition) => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const [operation] = operations;
  if (operations.length !== 1 || operation === undefined) return undefined;
  const [field, ...others] = operation.selectionSet.selections;
  if (field?.kind !== Kind.FIELD || others.length > 0 || field.selectionSet === undefined) {
    return undefined;
  }
  return print(field.selectionSet);
}
