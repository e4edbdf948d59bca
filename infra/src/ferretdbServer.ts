import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { runStep } from './commands.ts';
import type { LocalServer } from './localServer.ts';
import { startDetached } from './managedProcess.ts';
import { go, requireTool } from './prerequisites.ts';
import type { InfraSettings } from './settings.ts';

/**
 * FerretDB 1.x with its SQLite backend, built from the Go module proxy through the small
 * embedding program in infra/ferretdb: a real MongoDB wire-protocol server and nothing else.
 */
export function ferretdbServer(settings: InfraSettings): LocalServer {
  const { infraDir, repoRoot } = settings;
  const { host, port } = settings.mongo;
  const sourceDir = path.join(repoRoot, 'infra', 'ferretdb');
  const binary = path.join(infraDir, 'bin', 'ferretdb');
  const stampFile = `${binary}.source-hash`;
  const dataDir = path.join(infraDir, 'ferretdb', 'data');
  const endpoint = settings.mongo.external ?? `mongodb://${host}:${port}`;

  async function sourceHash(): Promise<string> {
    const hash = createHash('sha256');
    for (const file of ['go.mod', 'go.sum', 'main.go']) {
      hash.update(await readFile(path.join(sourceDir, file)));
    }
    return hash.digest('hex');
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

    async install() {
      const wanted = await sourceHash();
      if (existsSync(binary) && (await readFile(stampFile, 'utf8').catch(() => '')) === wanted) {
        return;
      }
      requireTool(go, 'set MONGO_URL to use a running MongoDB');
      await mkdir(path.dirname(binary), { recursive: true });
      await runStep('Building FerretDB with Go', 'go', ['build', '-trimpath', '-o', binary, '.'], {
        cwd: sourceDir,
        env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' },
      });
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
