import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One version of the supergraph file: a commit's, or the working tree's (`label: 'working tree'`). */
export interface SupergraphVersion {
  readonly label: string;
  readonly sdl: string;
}

/**
 * Every committed version of the supergraph file, oldest first, then the working tree's version
 * when it differs from HEAD. Each neighbouring pair is one change the breaking-change check reads.
 */
export async function supergraphHistory(
  repoRoot: string,
  file: string,
  workingTreeSdl: string,
): Promise<SupergraphVersion[]> {
  const relative = path.relative(repoRoot, file);
  const git = async (...args: string[]): Promise<string> =>
    (await run('git', args, { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 })).stdout;
  const commits = (await git('log', '--format=%h', '--reverse', '--', relative))
    .split('\n')
    .filter(Boolean);
  const versions: SupergraphVersion[] = [];
  for (const commit of commits) {
    versions.push({ label: `commit ${commit}`, sdl: await git('show', `${commit}:${relative}`) });
  }
  const head = versions.at(-1);
  if (head === undefined || head.sdl !== workingTreeSdl)
    versions.push({ label: 'working tree', sdl: workingTreeSdl });
  return versions;
}
