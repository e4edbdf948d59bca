import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { CodedError } from '@cashtrack/platform';
import { readInfraSettings } from '@cashtrack/infra';
import { applyFerretdbPatches, ferretdbPatchSeries, writableCopy } from '../src/ferretdbPatches.ts';

const { repoRoot } = readInfraSettings();
const ferretdbDir = path.join(repoRoot, 'infra', 'ferretdb');
const patchesDir = path.join(ferretdbDir, 'patches');

/**
 * The pristine source of the pinned FerretDB, if Go has it in its module cache (any build of
 * FerretDB put it there). Looked up without network: a unit test downloads nothing.
 */
function pinnedModuleDir(): string | undefined {
  const listed = spawnSync('go', ['list', '-m', '-json', 'github.com/FerretDB/FerretDB'], {
    cwd: ferretdbDir,
    env: { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off' },
    encoding: 'utf8',
  });
  if (listed.status !== 0) return undefined;
  const { Dir } = JSON.parse(listed.stdout) as { readonly Dir?: string };
  return Dir !== undefined && existsSync(Dir) ? Dir : undefined;
}

describe('the FerretDB patch series', () => {
  it('gives each patch a reason and a test that exists', async () => {
    const patches = await ferretdbPatchSeries(patchesDir);
    expect(patches.length).toBeGreaterThan(0);
    for (const patch of patches) {
      expect(patch.name).toMatch(/^\d{4}-[a-z0-9-]+\.patch$/);
      const [why = '', test = ''] = patch.text.split('\n');
      expect(why).toMatch(/^Why: \S/);
      expect(test).toMatch(/^Test: \S/);
      const testFiles = test.match(/[\w./-]+\.test\.ts/g) ?? [];
      expect(testFiles.length).toBeGreaterThan(0);
      for (const file of testFiles) expect(existsSync(path.join(repoRoot, file))).toBe(true);
    }
  });

  const moduleDir = pinnedModuleDir();
  const withPinnedSource = moduleDir === undefined ? describe.skip : describe;

  withPinnedSource('on the pinned module source from the Go module cache', () => {
    let workDir: string | undefined;

    /**
     * A writable copy of the module inside a git repository of its own, as the build's copy sits
     * inside ours (.infra): the patches must still land on the module's files.
     */
    async function moduleCopy(): Promise<string> {
      workDir = await mkdtemp(path.join(tmpdir(), 'cashtrack-ferretdb-patches-'));
      execFileSync('git', ['init', '-q'], { cwd: workDir });
      const copy = path.join(workDir, 'module');
      await writableCopy(moduleDir ?? '', copy);
      return copy;
    }

    afterEach(async () => {
      if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
      workDir = undefined;
    });

    it('applies cleanly, in order', async () => {
      const copy = await moduleCopy();
      const patches = await ferretdbPatchSeries(patchesDir);

      await applyFerretdbPatches(copy, patches, 'the pinned FerretDB');

      for (const patch of patches) {
        const touched = [...patch.text.matchAll(/^\+\+\+ b\/(.+)$/gm)].map((match) => match[1]);
        expect(touched.length).toBeGreaterThan(0);
        for (const file of touched) {
          expect(await readFile(path.join(copy, file ?? ''), 'utf8')).toContain('CashTrack patch');
        }
      }
    });

    it('fails with one line naming the patch that no longer applies', async () => {
      const copy = await moduleCopy();
      const patches = await ferretdbPatchSeries(patchesDir);
      await applyFerretdbPatches(copy, patches, 'the pinned FerretDB');
      const [first] = patches;
      if (first === undefined) throw new Error('the series is empty');

      const applyingAgain = applyFerretdbPatches(copy, [first], 'the pinned FerretDB');

      await expect(applyingAgain).rejects.toBeInstanceOf(CodedError);
      await expect(applyingAgain).rejects.toMatchObject({ code: 'FERRETDB_PATCH_FAILED' });
      const error = await applyingAgain.catch((caught: unknown) => caught);
      const message = error instanceof Error ? error.message : '';
      expect(message).toContain(`infra/ferretdb/patches/${first.name}`);
      expect(message).toContain('the pinned FerretDB');
      expect(message).not.toContain('\n');
    });
  });
});
