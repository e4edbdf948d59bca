import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { freePort, waitFor } from '@cashtrack/test-support';
import { findPortHolders, type WantedPort } from '../portHolders.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let supervisor: ChildProcess | undefined;
const servicePids: number[] = [];

afterAll(() => {
  supervisor?.kill('SIGKILL');
  for (const pid of servicePids) if (running(pid)) process.kill(pid, 'SIGKILL');
});

/** True while `pid` runs; a zombie waiting for its new parent to reap it counts as gone. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('npm start killed outright', () => {
  it('takes every service it started down with it', async () => {
    // Every service on a free port, so the shared 4000-4004 are never touched; the test run's
    // Kafka and MongoDB (KAFKA_BROKERS / MONGO_URL from the global setup), so no infra starts.
    const names = {
      GATEWAY: 'gateway',
      AUTH: 'auth',
      USER: 'user',
      EXPENSE: 'expense',
      PARSER: 'parser-worker',
    };
    const env: Record<string, string> = { LOG_LEVEL: 'info', LOG_FORMAT: 'json' };
    const ports: WantedPort[] = [];
    for (const [variable, name] of Object.entries(names)) {
      const port = await freePort();
      env[`${variable}_PORT`] = String(port);
      ports.push({ name, host: '127.0.0.1', port });
    }
    supervisor = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let ready = false;
    createInterface({ input: supervisor.stdout! }).on('line', (line) => {
      if (line.includes('"msg":"ready: open')) ready = true;
    });
    await waitFor(() => ready, { timeoutMs: 200_000, description: 'npm start to be ready' });
    const holders = await findPortHolders(ports);
    expect(holders.map((holder) => holder.name).sort()).toEqual(Object.values(names).sort());
    for (const holder of holders) {
      expect(holder.pid).toBeDefined();
      servicePids.push(holder.pid!);
    }

    supervisor.kill('SIGKILL');

    await waitFor(() => servicePids.every((pid) => !running(pid)), {
      timeoutMs: 30_000,
      description: 'every service to exit after npm start was SIGKILLed',
    });
    expect(await findPortHolders(ports)).toEqual([]);
  }, 300_000);
});
