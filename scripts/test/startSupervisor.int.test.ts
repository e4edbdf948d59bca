import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { freePort, waitFor } from '@cashtrack/test-support';
import { findPortHolders, type WantedPort } from '../portHolders.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const supervisors: ChildProcess[] = [];
const servicePids: number[] = [];

afterAll(() => {
  for (const supervisor of supervisors) supervisor.kill('SIGKILL');
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

/** Every service on a free port, so the shared 4000-4004 are never touched. */
const names = {
  GATEWAY: 'gateway',
  AUTH: 'auth',
  USER: 'user',
  EXPENSE: 'expense',
  PARSER: 'parser-worker',
};

interface StartedSupervisor {
  readonly child: ChildProcess;
  readonly ports: readonly WantedPort[];
  /** Its services' processes. */
  readonly pids: readonly number[];
  /** Every JSON line it and its services logged so far (they share its stdout). */
  readonly lines: readonly LogLine[];
}

interface LogLine {
  readonly component?: string;
  readonly msg?: string;
}

/**
 * `npm start` on free ports with the test run's Kafka and MongoDB (KAFKA_BROKERS / MONGO_URL
 * from the global setup), so no infra starts; resolves once it says ready, with each service's
 * pid recorded for the clean-up.
 */
async function startSupervisor(): Promise<StartedSupervisor> {
  const env: Record<string, string> = { LOG_LEVEL: 'info', LOG_FORMAT: 'json' };
  const ports: WantedPort[] = [];
  for (const [variable, name] of Object.entries(names)) {
    const port = await freePort();
    env[`${variable}_PORT`] = String(port);
    ports.push({ name, host: '127.0.0.1', port });
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  supervisors.push(child);
  const lines: LogLine[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    // Five processes share this pipe: a long line may interleave with another's, so a line
    // that does not parse is skipped rather than failing the run.
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return;
    }
    if (typeof parsed === 'object' && parsed !== null) lines.push(parsed);
  });
  await waitFor(() => lines.some((line) => line.msg?.startsWith('ready: open') === true), {
    timeoutMs: 200_000,
    description: 'npm start to be ready',
  });
  const holders = await findPortHolders(ports);
  expect(holders.map((holder) => holder.name).sort()).toEqual(Object.values(names).sort());
  const pids = holders.flatMap((holder) => (holder.pid === undefined ? [] : [holder.pid]));
  expect(pids).toHaveLength(holders.length);
  servicePids.push(...pids);
  return { child, ports, pids, lines };
}

describe('npm start killed outright', () => {
  it('takes every service it started down with it', async () => {
    const { child, ports, pids } = await startSupervisor();

    child.kill('SIGKILL');

    await waitFor(() => pids.every((pid) => !running(pid)), {
      timeoutMs: 30_000,
      description: 'every service to exit after npm start was SIGKILLed',
    });
    expect(await findPortHolders(ports)).toEqual([]);
  }, 300_000);
});

describe('npm start stopped with SIGTERM (Ctrl-C alike)', () => {
  it('stops the gateway first, then the other services together, and exits 0', async () => {
    const { child, ports, lines } = await startSupervisor();
    // 'close', not 'exit': only then has every line on the shared stdout been read.
    const closed = once(child, 'close');

    child.kill('SIGTERM');

    const [code] = (await closed) as [number | null];
    expect(code).toBe(0);
    expect(await findPortHolders(ports)).toEqual([]);
    const at = (component: string, msg: string) =>
      lines.findIndex((line) => line.component === component && line.msg === msg);
    const others = Object.values(names).filter((name) => name !== 'gateway');
    const gatewayStopped = at('gateway', 'stopped');
    expect(gatewayStopped).toBeGreaterThan(at('gateway', 'shutting down'));
    for (const name of others) {
      // No request can reach a service that is stopping: the gateway is gone before.
      expect(at(name, 'shutting down')).toBeGreaterThan(gatewayStopped);
      expect(at(name, 'stopped')).toBeGreaterThan(at(name, 'shutting down'));
    }
    // Together: each was asked to stop before any of them had finished.
    const lastAsked = Math.max(...others.map((name) => at(name, 'shutting down')));
    const firstDone = Math.min(...others.map((name) => at(name, 'stopped')));
    expect(lastAsked).toBeLessThan(firstDone);
    expect(at('start', 'stopped')).toBeGreaterThan(
      Math.max(...others.map((name) => at(name, 'stopped'))),
    );
  }, 300_000);
});
