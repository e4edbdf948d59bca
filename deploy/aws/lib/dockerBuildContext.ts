import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The build-context paths a Dockerfile copies (`COPY` without `--from`), e.g. `platform`. */
export function dockerfileCopySources(dockerfile: string): string[] {
  const sources: string[] = [];
  for (const line of dockerfile.split('\n')) {
    const copy = /^\s*COPY\s+(.+)$/i.exec(line);
    if (copy?.[1] === undefined || /--from=/i.test(copy[1])) continue;
    const paths = copy[1].split(/\s+/).filter((part) => part !== '' && !part.startsWith('--'));
    sources.push(
      ...paths.slice(0, -1).map((source) => source.replace(/^\.\//, '').replace(/\/$/, '')),
    );
  }
  return sources;
}

/**
 * Docker-ignore patterns that leave in the image asset only what the Dockerfile copies, so that
 * synth fingerprints a few megabytes of sources instead of the whole checkout (node_modules,
 * the app, local servers' data) and the asset changes only when the image would.
 */
export function imageAssetExcludes(repoRoot: string): string[] {
  const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
  return ['*', '!Dockerfile', ...dockerfileCopySources(dockerfile).map((source) => `!${source}`)];
}
