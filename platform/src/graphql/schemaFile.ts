import { readFileSync } from 'node:fs';
import { parse, type DocumentNode } from 'graphql';

/** Parses a subgraph's `schema.graphql`, e.g. `loadSchemaFile(new URL('./schema.graphql', import.meta.url))`. */
export function loadSchemaFile(url: URL): DocumentNode {
  return parse(readFileSync(url, 'utf8'));
}
