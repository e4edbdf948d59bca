import { Supergraph } from '@apollo/federation-internals';
import { findBreakingChanges } from 'graphql';

/** A breaking change someone accepted on purpose, and why. Kept in allowed-breaking-changes.json. */
export interface AllowedBreakingChange {
  /** graphql-js's description of the change, e.g. `Query.expenses was removed.` */
  readonly change: string;
  readonly reason: string;
}

export interface BreakingChangeReport {
  /** Breaking changes nobody allowed: the check fails on these. */
  readonly unallowed: readonly string[];
  /** Breaking changes in the allow list, with their recorded reasons. */
  readonly allowed: readonly AllowedBreakingChange[];
}

/**
 * Compares the public API of two supergraphs (the schema clients see, without federation's
 * join directives) and sorts every breaking change into allowed or not.
 */
export function breakingChanges(
  baseSupergraphSdl: string,
  currentSupergraphSdl: string,
  allowList: readonly AllowedBreakingChange[],
): BreakingChangeReport {
  const changes = findBreakingChanges(apiSchema(baseSupergraphSdl), apiSchema(currentSupergraphSdl))
    .map((change) => change.description)
    // graphql-js reports a built-in scalar that is no longer referenced; every server still has
    // it, so no client can break on it.
    .filter((description) => !description.startsWith('Standard scalar '));
  const allowed = allowList.filter((entry) => changes.includes(entry.change));
  return {
    unallowed: changes.filter((change) => !allowList.some((entry) => entry.change === change)),
    allowed,
  };
}

function apiSchema(supergraphSdl: string) {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}
