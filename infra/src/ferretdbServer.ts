import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';
import { runStep } from './commands.ts';
import type { LocalServer } from './localServer.ts';
import { startDetached } from './managedProcess.ts';
import { go, requireTool } from './prerequisites.ts';
import type { InfraSettings } from './settings.ts';

const ferretdbModule = 'github.com/FerretDB/FerretDB';

/**
 * FerretDB 1.x with its SQLite backend, built from the Go module proxy through the small
 * embedding program in infra/ferretdb: a real MongoDB wire-protocol server and nothing else.
 * FerretDB's own files are overlaid with infra/ferretdb/patched (query pushdown, see its README).
 */
export function ferretdbServer(settings: InfraSettings): LocalServer {
  const { infraDir, installDir, repoRoot } = settings;
  const { host, port } = settings.mongo;
  const sourceDir = path.join(repoRoot, 'infra', 'ferretdb');
  const binary = path.join(installDir, 'bin', 'ferretdb');
  const stampFile = `${binary}.source-hash`;
  const dataDir = path.join(infraDir, 'ferretdb', 'data');
  const patchedDir = path.join(sourceDir, 'patched');
  const moduleCopy = path.join(installDir, 'ferretdb', 'module');
  const buildDir = path.join(installDir, 'ferretdb', 'build');
  const endpoint = settings.mongo.external ?? `mongodb://${host}:${port}`;

  async function patchedFiles(): Promise<string[]> {
    const entries = await readdir(patchedDir, { recursive: true });
    const files: string[] = [];
    for (const entry of entries.sort()) {
      if (entry.endsWith('.go') && (await stat(path.join(patchedDir, entry))).isFile()) {
        files.push(entry);
      }
    }
    return files;
  }

  async function sourceHash(): Promise<string> {
    const hash = createHash('sha256');
    for (const file of ['go.mod', 'go.sum', 'main.go']) {
      hash.update(await readFile(path.join(sourceDir, file)));
    }
    for (const file of await patchedFiles()) {
      hash.update(file);
      hash.update(await readFile(path.join(patchedDir, file)));
    }
    return hash.digest('hex');
  }

  /** A writable copy of the FerretDB module with our patched files over it, and a go.mod using it. */
  async function preparePatchedModule(env: NodeJS.ProcessEnv): Promise<string> {
    await runStep(
      'downloading FerretDB sources with Go',
      'go',
      ['mod', 'download', ferretdbModule],
      {
        cwd: sourceDir,
        env,
      },
    );
    const { stdout } = await promisify(execFile)(
      'go',
      ['list', '-m', '-f', '{{.Dir}}', ferretdbModule],
      { cwd: sourceDir, env },
    );
    await rm(moduleCopy, { recursive: true, force: true });
    await cp(stdout.trim(), moduleCopy, { recursive: true });
    await makeWritable(moduleCopy); // the module cache is read-only
    for (const file of await patchedFiles()) {
      await cp(path.join(patchedDir, file), path.join(moduleCopy, file));
    }
    await mkdir(buildDir, { recursive: true });
    const goMod = await readFile(path.join(sourceDir, 'go.mod'), 'utf8');
    const modFile = path.join(buildDir, 'go.mod');
    await writeFile(modFile, `${goMod}\nreplace ${ferretdbModule} => ${moduleCopy}\n`);
    await writeFile(path.join(buildDir, 'go.sum'), await readFile(path.join(sourceDir, 'go.sum')));
    return modFile;
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

    async install() {
      const wanted = await sourceHash();
      if (existsSync(binary) && (await readFile(stampFile, 'utf8').catch(() => '')) === wanted) {
        return;
      }
      requireTool(go, 'set MONGO_URL to use a running MongoDB');
      await mkdir(path.dirname(binary), { recursive: true });
      const env = { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' };
      const modFile = await preparePatchedModule(env);
      await runStep(
        buildingFerretdb(),
        'go',
        ['build', '-trimpath', `-modfile=${modFile}`, '-o', binary, '.'],
        { cwd: sourceDir, env },
      );
      await writeFile(stampFile, wanted);
    },

    async start() {
      await mkdir(dataDir, { recursive: true });
      await startDetached(infraDir, 'ferretdb', binary, [
        `--listen-addr=${host}:${port}`,
        `--sqlite-url=file:${dataDir}/`,
        '--log-level=error',
      ]);
    },
  };
}

async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const entryPath = path.join(dir, entry.name);
    if (entry.isDirectory()) await makeWritable(entryPath);
    else await chmod(entryPath, 0o644);
  }
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
