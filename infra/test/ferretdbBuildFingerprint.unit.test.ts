import { cp, mkdir, mkdtemp, rm, writeFile, appendFile, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { readInfraSettings } from '@cashtrack/infra';
import { ferretdbBuildFingerprint, ferretdbPatchSeries } from '../src/ferretdbPatches.ts';
import { ferretdbServer } from '../src/ferretdbServer.ts';

/**
 * The installed FerretDB is rebuilt when it was built from other sources than the repository's:
 * its recorded fingerprint must cover every patch of the series, so that a changed patch reaches
 * the next `npm start` or `npm test`.
 */
describe('the installed FerretDB build', () => {
  const shared = readInfraSettings();
  let root: string;
  let patchesDir: string;
  let isCurrent: () => Promise<boolean>;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'cashtrack-ferretdb-fingerprint-'));
    const sourceDir = path.join(root, 'infra', 'ferretdb');
    await cp(path.join(shared.repoRoot, 'infra', 'ferretdb'), sourceDir, { recursive: true });
    patchesDir = path.join(sourceDir, 'patches');
    const installDir = path.join(root, 'install');
    // Stands for a build from the sources as they are now: a binary and its recorded fingerprint.
    await mkdir(path.join(installDir, 'bin'), { recursive: true });
    await writeFile(path.join(installDir, 'bin', 'ferretdb'), '');
    await writeFile(
      path.join(installDir, 'bin', 'ferretdb.source-hash'),
      await ferretdbBuildFingerprint(sourceDir, await ferretdbPatchSeries(patchesDir)),
    );
    const server = ferretdbServer({ ...shared, repoRoot: root, infraDir: installDir, installDir });
    isCurrent = () => server.isCurrent();
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('is current when nothing changed since it was built', async () => {
    expect(await isCurrent()).toBe(true);
  });

  it('is out of date once a patch changes', async () => {
    const [first] = await ferretdbPatchSeries(patchesDir);
    await appendFile(first?.path ?? '', '\n');
    expect(await isCurrent()).toBe(false);
  });

  it('is out of date once a patch is added or removed', async () => {
    const [first] = await ferretdbPatchSeries(patchesDir);
    await cp(first?.path ?? '', path.join(patchesDir, '9999-added.patch'));
    expect(await isCurrent()).toBe(false);

    await unlink(path.join(patchesDir, '9999-added.patch'));
    expect(await isCurrent()).toBe(true);
    await unlink(first?.path ?? '');
    expect(await isCurrent()).toBe(false);
  });
});
