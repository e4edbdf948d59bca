import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { waitFor } from '@cashtrack/test-support';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const supervisorEntry = path.join(repoRoot, 'scripts', 'test', 'fixtures', 'watchdogSupervisor.ts');

let infraDir: string;
const processes: ChildProcess[] = [];

beforeEach(async () => {
  // A private infra folder: the shared Kafka and FerretDB records are never touched.
  infraDir = await mkdtemp(path.join(tmpdir(), 'cashtrack-watchdog-'));
});

afterEach(async () => {
  for (const child of processes.splice(0)) child.kill('SIGKILL');
  await rm(infraDir, { recursive: true, force: true });
});

/** True while `pid` runs; a zombie (kill(pid, 0) still succeeds on one) counts as gone. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * A stand-in for a server `up` started: a process whose command line names the infra folder,
 * recorded in `run/kafka.pid.json` as startDetached records one.
 */
async function fakeRecordedKafka(): Promise<ChildProcess> {
  const server = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 60000)', infraDir], {
    stdio: 'ignore',
    detached: true,
  });
  processes.push(server);
  await mkdir(path.join(infraDir, 'run'), { recursive: true });
  await writeFile(
    path.join(infraDir, 'run', 'kafka.pid.json'),
    JSON.stringify({ pid: server.pid, command: 'fake kafka', startedAt: new Date().toISOString() }),
  );
  return server;
}

async function startSupervisor(
  mode: 'hold' | 'release',
): Promise<{ supervisor: ChildProcess; watchdogPid: number }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CASHTRACK_INFRA_DIR: infraDir,
    LOG_LEVEL: 'warn',
  };
  // The watchdog must take Kafka for a local server of ours, not one named by the environment.
  delete env.KAFKA_BROKERS;
  delete env.MONGO_URL;
  const supervisor = spawn(process.execPath, ['--import', 'tsx', supervisorEntry, mode], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  processes.push(supervisor);
  let watchdogPid: number | undefined;
  createInterface({ input: supervisor.stdout }).on('line', (line) => {
    const parsed = JSON.parse(line) as { watchdogPid?: number };
    watchdogPid = parsed.watchdogPid;
  });
  const pid = await waitFor(() => watchdogPid, {
    timeoutMs: 45_000,
    description: 'the supervisor to start its watchdog',
  });
  return { supervisor, watchdogPid: pid };
}

describe('the infra watchdog', () => {
  it('stops the servers its supervisor started once the supervisor is SIGKILLed', async () => {
    const kafka = await fakeRecordedKafka();
    const { supervisor, watchdogPid } = await startSupervisor('hold');
    expect(running(kafka.pid!)).toBe(true);

    supervisor.kill('SIGKILL');

    await waitFor(() => !running(kafka.pid!), {
      timeoutMs: 30_000,
      description: 'the recorded server to be stopped',
    });
    await waitFor(() => !running(watchdogPid), {
      timeoutMs: 10_000,
      description: 'the watchdog to exit',
    });
    await expect(readFile(path.join(infraDir, 'run', 'kafka.pid.json'), 'utf8')).rejects.toThrow();
    const log = await readFile(path.join(infraDir, 'logs', 'watchdog.log'), 'utf8');
    expect(log).toContain('the supervisor died; stopping what it started');
  }, 90_000);

  it('leaves the servers alone once the supervisor released it', async () => {
    const kafka = await fakeRecordedKafka();
    const { watchdogPid } = await startSupervisor('release');

    await waitFor(() => !running(watchdogPid), {
      timeoutMs: 10_000,
      description: 'the watchdog to exit',
    });
    expect(running(kafka.pid!)).toBe(true);
  }, 90_000);
});
