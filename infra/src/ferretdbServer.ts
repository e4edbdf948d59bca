import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';
import { runStep } from './commands.ts';
import {
  applyFerretdbPatches,
  ferretdbBuildFingerprint,
  ferretdbPatchSeries,
  writableCopy,
  type FerretdbPatch,
} from './ferretdbPatches.ts';
import type { LocalServer } from './localServer.ts';
import { startDetached } from './managedProcess.ts';
import { git, go, requireTool } from './prerequisites.ts';
import type { InfraSettings } from './settings.ts';

const ferretdbModule = 'github.com/FerretDB/FerretDB';

/**
 * FerretDB 1.x with its SQLite backend, built from the Go module proxy through the small
 * embedding program in infra/ferretdb: a real MongoDB wire-protocol server and nothing else.
 * The pinned module is built with our patch series, infra/ferretdb/patches, applied to a copy of it
 * (query pushdown and two fixes, see its README).
 */
export function ferretdbServer(settings: InfraSettings): LocalServer {
  const { infraDir, installDir, repoRoot } = settings;
  const { host, port } = settings.mongo;
  const sourceDir = path.join(repoRoot, 'infra', 'ferretdb');
  const binary = path.join(installDir, 'bin', 'ferretdb');
  const stampFile = `${binary}.source-hash`;
  const dataDir = path.join(infraDir, 'ferretdb', 'data');
  const patchesDir = path.join(sourceDir, 'patches');
  const moduleCopy = path.join(installDir, 'ferretdb', 'module');
  const buildDir = path.join(installDir, 'ferretdb', 'build');
  const endpoint = settings.mongo.external ?? `mongodb://${host}:${port}`;

  /** A writable copy of the FerretDB module with our patches applied, and a go.mod using it. */
  async function preparePatchedModule(
    env: NodeJS.ProcessEnv,
    patches: readonly FerretdbPatch[],
  ): Promise<string> {
    await runStep(
      'downloading FerretDB sources with Go',
      'go',
      ['mod', 'download', ferretdbModule],
      {
        cwd: sourceDir,
        env,
      },
    );
    const { stdout } = await promisify(execFile)('go', ['list', '-m', '-json', ferretdbModule], {
      cwd: sourceDir,
      env,
    });
    const pinned = JSON.parse(stdout) as { readonly Dir: string; readonly Version: string };
    await writableCopy(pinned.Dir, moduleCopy);
    await applyFerretdbPatches(moduleCopy, patches, `${ferretdbModule} ${pinned.Version}`);
    await mkdir(buildDir, { recursive: true });
    const goMod = await readFile(path.join(sourceDir, 'go.mod'), 'utf8');
    const modFile = path.join(buildDir, 'go.mod');
    await writeFile(modFile, `${goMod}\nreplace ${ferretdbModule} => ${moduleCopy}\n`);
    await writeFile(path.join(buildDir, 'go.sum'), await readFile(path.join(sourceDir, 'go.sum')));
    return modFile;
  }

  async function builtFromCurrentSources(): Promise<boolean> {
    const wanted = await ferretdbBuildFingerprint(sourceDir, await ferretdbPatchSeries(patchesDir));
    return existsSync(binary) && (await readFile(stampFile, 'utf8').catch(() => '')) === wanted;
  }

  return {
    name: 'ferretdb',
    endpoint,
    endpointVariable: 'MONGO_URL',
    external: settings.mongo.external !== undefined,
    readyTimeoutMs: 30_000,

    async isReady() {
      const client = new MongoClient(endpoint, {
        serverSelectionTimeoutMS: 1_000,
        connectTimeoutMS: 1_000,
      });
      try {
        await client.connect();
        const answer = await client.db('admin').command({ ping: 1 });
        return answer.ok === 1;
      } catch {
        return false;
      } finally {
        await client.close().catch(() => undefined);
      }
    },

    isInstalled() {
      return existsSync(binary);
    },

    isCurrent: builtFromCurrentSources,

    async install() {
      if (await builtFromCurrentSources()) return;
      requireTool(go, 'set MONGO_URL to use a running MongoDB');
      requireTool(git, 'set MONGO_URL to use a running MongoDB');
      const patches = await ferretdbPatchSeries(patchesDir);
      await mkdir(path.dirname(binary), { recursive: true });
      const env = { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' };
      const modFile = await preparePatchedModule(env, patches);
      // Built beside the binary and renamed over it: a FerretDB started meanwhile (a test's
      // private one) runs the old build or the new one, never a half-written file.
      const building = `${binary}.building`;
      await runStep(
        buildingFerretdb(),
        'go',
        ['build', '-trimpath', `-modfile=${modFile}`, '-o', building, '.'],
        { cwd: sourceDir, env },
      );
      await rename(building, binary);
      await writeFile(stampFile, await ferretdbBuildFingerprint(sourceDir, patches));
    },

    async start() {
      await mkdir(dataDir, { recursive: true });
      await startDetached(infraDir, 'ferretdb', binary, [
        `--listen-addr=${host}:${port}`,
        // WAL with synchronous=NORMAL (SQLite's advice for WAL): a commit is no longer an fsync,
        // only a checkpoint is; a crash of FerretDB loses nothing, a power cut may lose the last
        // commits, which a local development server can afford. With FULL, every update
        // statement was an fsync (3,455 fsyncs for 6,200 writes, 218 with NORMAL), so bulk
        // upserts ran at the disk's fsync rate and a subscription's five commits in a row met
        // its tail (fsync p99 49 ms on the shared 2-core machine).
        `--sqlite-url=file:${dataDir}/?_pragma=synchronous(normal)`,
        '--log-level=error',
      ]);
    },
  };
}

/**
 * The build step's progress line, with how long to expect: a first `npm start` spends most of
 * its time here, and a number keeps a newcomer from taking the wait for a hang. About four
 * core-minutes, measured on the 2-core machines we use.
 */
function buildingFerretdb(): string {
  const cores = availableParallelism();
  const minutes = Math.max(1, Math.round(4 / cores));
  return `building FerretDB, about ${minutes} minute${minutes === 1 ? '' : 's'} on ${cores} core${cores === 1 ? '' : 's'}`;
}
