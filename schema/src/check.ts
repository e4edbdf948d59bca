import { readFile } from 'node:fs/promises';
import { createLogger, errorMessage } from '@cashtrack/platform';
import { breakingChanges, type AllowedBreakingChange } from './breakingChanges.ts';
import { composeSupergraph } from './composeSupergraph.ts';
import {
  allowedBreakingChangesPath,
  repoRoot,
  subgraphDefinitions,
  supergraphPath,
} from './subgraphs.ts';
import { supergraphHistory } from './supergraphHistory.ts';

const log = createLogger('schema', 'stderr');

/**
 * `npm run schema:check` (run by CI): fails when composition fails, when the committed
 * supergraph is not what the subgraphs compose to, or when any change in the supergraph's
 * history breaks clients without an entry in allowed-breaking-changes.json giving the reason.
 */
async function main(): Promise<boolean> {
  const subgraphs = await Promise.all(
    subgraphDefinitions().map(async (subgraph) => ({
      ...subgraph,
      sdl: await readFile(subgraph.sdlPath, 'utf8'),
    })),
  );
  const composed = composeSupergraph(subgraphs);
  const committed = await readFile(supergraphPath, 'utf8').catch(() => '');
  if (committed !== composed) {
    log.error(
      { file: supergraphPath },
      'schema/supergraph.graphql is stale: run `npm run schema:compose` and commit it',
    );
    return false;
  }
  const allowList = JSON.parse(
    await readFile(allowedBreakingChangesPath, 'utf8'),
  ) as AllowedBreakingChange[];
  const history = await supergraphHistory(repoRoot, supergraphPath, committed);
  let passed = true;
  for (let index = 1; index < history.length; index += 1) {
    const before = history[index - 1];
    const after = history[index];
    if (before === undefined || after === undefined) continue;
    const report = breakingChanges(before.sdl, after.sdl, allowList);
    for (const entry of report.allowed) {
      log.info(
        { from: before.label, to: after.label, change: entry.change, reason: entry.reason },
        'allowed breaking change',
      );
    }
    for (const change of report.unallowed) {
      passed = false;
      log.error(
        { from: before.label, to: after.label, change },
        'breaking change: restore the field or type, or add it with a reason to schema/allowed-breaking-changes.json',
      );
    }
  }
  if (passed)
    log.info(
      { versionsChecked: history.length, subgraphs: subgraphs.map((s) => s.name) },
      'schema check passed',
    );
  return passed;
}

main()
  .then((passed) => {
    if (!passed) process.exitCode = 1;
  })
  .catch((error: unknown) => {
    log.error(errorMessage(error));
    process.exitCode = 1;
  });
