import { describe, expect, it } from '@jest/globals';
import { dockerfileCopySources, imageAssetExcludes } from '../lib/dockerBuildContext.ts';
import { repoRoot } from '../lib/cashtrackStack.ts';

describe('the image asset build context', () => {
  it('takes what COPY reads from the context, not what it copies from another stage', () => {
    const dockerfile = [
      'FROM node:22 AS dependencies',
      'COPY package.json package-lock.json ./',
      'FROM node:22',
      'COPY --from=dependencies /app/node_modules ./node_modules',
      'copy --chown=node ./platform/ ./platform',
    ].join('\n');
    expect(dockerfileCopySources(dockerfile)).toEqual([
      'package.json',
      'package-lock.json',
      'platform',
    ]);
  });

  it("keeps only the repository's Dockerfile and what it copies", () => {
    const excludes = imageAssetExcludes(repoRoot);
    expect(excludes.slice(0, 2)).toEqual(['*', '!Dockerfile']);
    expect(excludes).toEqual(expect.arrayContaining(['!package.json', '!platform', '!events']));
    expect(excludes).not.toContain('!node_modules');
  });
});
