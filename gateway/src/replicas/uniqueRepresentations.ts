import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { GraphQLFormattedError } from 'graphql';

/**
 * Apollo Gateway sends one entity representation per place an entity occurs in the answer so
 * far: `expenses { user { displayName } }` over 50 expenses of one user asks the user subgraph
 * to resolve the same `{ __typename: "User", id }` 50 times. Sending each distinct representation
 * once and copying its entity back to every place (as Apollo Router does) gives the client the
 * same answer for a fraction of the subgraph's work.
 */
export interface UniqueRepresentations {
  readonly representations: unknown[];
  /** For each representation as the planner sent it, the index of its unique one. */
  readonly uniqueIndexOf: readonly number[];
}

/** The distinct representations, or undefined when there are no duplicates to leave out. */
export function uniqueRepresentations(
  representations: readonly unknown[],
): UniqueRepresentations | undefined {
  const indexByKey = new Map<string, number>();
  const unique: unknown[] = [];
  const uniqueIndexOf = representations.map((representation) => {
    // The planner builds every representation of a fetch from the same selection, so equal
    // ones serialize identically.
    const key = JSON.stringify(representation);
    let index = indexByKey.get(key);
    if (index === undefined) {
      index = unique.length;
      indexByKey.set(key, index);
      unique.push(representation);
    }
    return index;
  });
  return unique.length === representations.length
    ? undefined
    : { representations: unique, uniqueIndexOf };
}

/**
 * The subgraph's answer for the unique representations, spread back over the original ones:
 * `_entities` in the original order (every repeat its own copy, since the gateway merges later
 * fetches into each entity in place) and each `_entities.<i>` error once per place it applies to.
 * An answer whose `_entities` is not one entry per unique representation is left as it came, for
 * the gateway to refuse as it would any malformed answer.
 */
export function spreadEntities(
  response: GatewayGraphQLResponse,
  { representations, uniqueIndexOf }: UniqueRepresentations,
): GatewayGraphQLResponse {
  const entities: unknown = response.data?._entities;
  if (!Array.isArray(entities) || entities.length !== representations.length) return response;
  const used = new Set<number>();
  const spread = uniqueIndexOf.map((index) => {
    const entity: unknown = entities[index];
    if (!used.has(index)) {
      used.add(index);
      return entity;
    }
    return structuredClone(entity);
  });
  return {
    ...response,
    data: { ...response.data, _entities: spread },
    ...(response.errors === undefined
      ? {}
      : { errors: response.errors.flatMap((error) => spreadError(error, uniqueIndexOf)) }),
  };
}

function spreadError(
  error: GraphQLFormattedError,
  uniqueIndexOf: readonly number[],
): GraphQLFormattedError[] {
  const [field, index, ...rest] = error.path ?? [];
  if (field !== '_entities' || typeof index !== 'number') return [error];
  const places: GraphQLFormattedError[] = [];
  uniqueIndexOf.forEach((unique, original) => {
    if (unique === index) places.push({ ...error, path: ['_entities', original, ...rest] });
  });
  return places.length === 0 ? [error] : places;
}
