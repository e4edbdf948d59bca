import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from '@jest/globals';
import { freePort } from '@cashtrack/test-support';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const servers: Server[] = [];
const folders: string[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
  await Promise.all(folders.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function holdPort(): Promise<number> {
  const port = await freePort();
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return port;
}

/** Every service on a free port of its own, so the shared 4000-4004 are never touched. */
async function servicePorts(): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const name of ['GATEWAY', 'AUTH', 'USER', 'EXPENSE', 'PARSER']) {
    env[`${name}_PORT`] = String(await freePort());
  }
  return env;
}

/** Runs `npm start`'s script to its end; its output lines, parsed. */
async function runStart(
  env: Record<string, string>,
): Promise<{ code: number | null; lines: { code?: string; msg?: string }[]; ms: number }> {
  const began = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'info', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const lines = output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { code?: string; msg?: string });
  return { code, lines, ms: Date.now() - began };
}

describe('npm start over a half-running system', () => {
  it('refuses in one line naming who holds a service port, before starting anything', async () => {
    const ports = await servicePorts();
    const held = await holdPort();
    const { code, lines, ms } = await runStart({
      ...ports,
      EXPENSE_PORT: String(held),
      // Nothing answers here: had it gone on to the infrastructure, it would wait for them.
      KAFKA_BROKERS: `127.0.0.1:${await freePort()}`,
      MONGO_URL: `mongodb://127.0.0.1:${await freePort()}`,
    });

    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    const [refusal] = lines;
    expect(refusal?.code).toBe('PORTS_IN_USE');
    expect(refusal?.msg).toContain(`127.0.0.1:${held} (expense) is held by pid ${process.pid} (`);
    expect(refusal?.msg).not.toContain('\n');
    expect(ms).toBeLessThan(20_000);
  }, 60_000);

  it('refuses when an infra port is held by something that is not our recorded server', async () => {
    const infraDir = await mkdtemp(path.join(tmpdir(), 'cashtrack-start-'));
    folders.push(infraDir);
    const held = await holdPort();
    const env: Record<string, string> = {
      ...(await servicePorts()),
      CASHTRACK_INFRA_DIR: infraDir,
      CASHTRACK_KAFKA_PORT: String(held),
      CASHTRACK_KAFKA_CONTROLLER_PORT: String(await freePort()),
      MONGO_URL: `mongodb://127.0.0.1:${await freePort()}`,
      KAFKA_BROKERS: '',
    };
    const { code, lines } = await runStart(env);

    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.code).toBe('PORTS_IN_USE');
    expect(lines[0]?.msg).toContain(`127.0.0.1:${held} (kafka) is held by pid ${process.pid} (`);
    expect(lines[0]?.msg).toContain('set KAFKA_BROKERS to use it');
  }, 60_000);
});
