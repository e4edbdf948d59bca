import { readFile, writeFile } from 'node:fs/promises';
import { createLogger, errorMessage } from '@cashtrack/platform';
import { composeSupergraph } from './composeSupergraph.ts';
import { subgraphDefinitions, supergraphPath } from './subgraphs.ts';

const log = createLogger('schema', 'stderr');

/** `npm run schema:compose`: subgraph SDL files → schema/supergraph.graphql (committed). */
async function main(): Promise<void> {
  const subgraphs = await Promise.all(
    subgraphDefinitions().map(async (subgraph) => ({
      ...subgraph,
      sdl: await readFile(subgraph.sdlPath, 'utf8'),
    })),
  );
  await writeFile(supergraphPath, composeSupergraph(subgraphs));
  log.info(
    { file: supergraphPath, subgraphs: subgraphs.map((subgraph) => subgraph.name) },
    'supergraph composed',
  );
}

main().catch((error: unknown) => {
  log.error(errorMessage(error));
  process.exitCode = 1;
});
