import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, cp, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { CodedError } from '@cashtrack/platform';

/** One file of the series: a unified diff against the pinned FerretDB module, headed by why and its test. */
export interface FerretdbPatch {
  /** File name, `NNNN-short-name.patch`; the series applies in name order. */
  readonly name: string;
  readonly path: string;
  readonly text: string;
}

/** The series in `patchesDir`, in the order it applies. */
export async function ferretdbPatchSeries(patchesDir: string): Promise<FerretdbPatch[]> {
  const names = (await readdir(patchesDir)).filter((name) => name.endsWith('.patch')).sort();
  return Promise.all(
    names.map(async (name) => {
      // Absolute: git applies it from inside the module copy.
      const patchPath = path.resolve(patchesDir, name);
      return { name, path: patchPath, text: await readFile(patchPath, 'utf8') };
    }),
  );
}

/**
 * What a FerretDB binary is built from, as one hash: the embedding program in `sourceDir`
 * (`go.mod`, which pins the module, `go.sum`, `main.go`) and every patch, name and text. A build
 * whose recorded fingerprint differs is rebuilt.
 */
export async function ferretdbBuildFingerprint(
  sourceDir: string,
  patches: readonly FerretdbPatch[],
): Promise<string> {
  const hash = createHash('sha256');
  for (const file of ['go.mod', 'go.sum', 'main.go']) {
    hash.update(await readFile(path.join(sourceDir, file)));
  }
  for (const patch of patches) {
    hash.update(patch.name);
    hash.update(patch.text);
  }
  return hash.digest('hex');
}

/**
 * Applies the series, in order, to a writable copy of the module source in `moduleDir`. Each
 * patch applies whole or not at all (`git apply`); the first that does not throws
 * `FERRETDB_PATCH_FAILED` with one line naming it and what git found.
 */
export async function applyFerretdbPatches(
  moduleDir: string,
  patches: readonly FerretdbPatch[],
  moduleLabel: string,
): Promise<void> {
  const env = {
    ...process.env,
    // The copy may sit inside our own repository (.infra); git must not find that repository,
    // or it would apply paths from the repository's root and skip every file of the module.
    GIT_CEILING_DIRECTORIES: path.dirname(moduleDir),
  };
  for (const patch of patches) {
    try {
      await promisify(execFile)('git', ['apply', '--whitespace=nowarn', patch.path], {
        cwd: moduleDir,
        env,
      });
    } catch (error) {
      const stderr = (error as { readonly stderr?: string }).stderr ?? '';
      const reason = stderr.split('\n').find((line) => line.trim() !== '') ?? String(error);
      throw new CodedError(
        'FERRETDB_PATCH_FAILED',
        `infra/ferretdb/patches/${patch.name} no longer applies to ${moduleLabel} (${reason.replace(/^error: /, '')}); update it as infra/ferretdb/patches/README.md says`,
      );
    }
  }
}

/** Replaces `target` with a writable copy of `source` (the Go module cache is read-only). */
export async function writableCopy(source: string, target: string): Promise<void> {
  await rm(target, { recursive: true, force: true });
  await cp(source, target, { recursive: true });
  await makeWritable(target);
}

async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const entryPath = path.join(dir, entry.name);
    if (entry.isDirectory()) await makeWritable(entryPath);
    else await chmod(entryPath, 0o644);
  }
}
