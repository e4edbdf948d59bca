import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A subgraph of the supergraph: where its SDL lives and where the gateway reaches it. */
export interface SubgraphDefinition {
  readonly name: string;
  readonly sdlPath: string;
  /** The URL composed into the supergraph; the gateway may override it (replicas) at start. */
  readonly url: string;
}

/** The subgraphs composed into the supergraph, in the order they are listed in it. */
export function subgraphDefinitions(): SubgraphDefinition[] {
  const subgraph = (name: string, port: number): SubgraphDefinition => ({
    name,
    sdlPath: path.join(repoRoot, 'subgraphs', name, 'src', 'schema.graphql'),
    url: `http://127.0.0.1:${port}/graphql`,
  });
  return [subgraph('auth', 4001), subgraph('user', 4002), subgraph('expense', 4003)];
}

export const supergraphPath = path.join(repoRoot, 'schema', 'supergraph.graphql');
export const allowedBreakingChangesPath = path.join(
  repoRoot,
  'schema',
  'allowed-breaking-changes.json',
);
