import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { CodedError } from '@cashtrack/platform';

export interface SubgraphSdl {
  readonly name: string;
  readonly url: string;
  readonly sdl: string;
}

/**
 * Composes subgraph SDL into a supergraph with Apollo's composition (Federation 2). Throws
 * COMPOSITION_FAILED listing every composition error, each with the subgraph it names.
 */
export function composeSupergraph(subgraphs: readonly SubgraphSdl[]): string {
  const result = composeServices(
    subgraphs.map((subgraph) => ({
      name: subgraph.name,
      url: subgraph.url,
      typeDefs: parse(subgraph.sdl),
    })),
  );
  if (result.errors !== undefined) {
    const errors = result.errors.map((error) => error.message);
    throw new CodedError('COMPOSITION_FAILED', `Composition failed:\n- ${errors.join('\n- ')}`, {
      errors,
    });
  }
  return result.supergraphSdl;
}
