import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CodedError, waitFor } from '@cashtrack/platform';

/** A server process this project started, remembered by pid so `down` stops only what it started. */
export interface PidRecord {
  readonly pid: number;
  readonly command: string;
  readonly startedAt: string;
}

export function pidFile(infraDir: string, name: string): string {
  return path.join(infraDir, 'run', `${name}.pid.json`);
}

export function logFile(infraDir: string, name: string): string {
  return path.join(infraDir, 'logs', `${name}.log`);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a live process, read from /proc; empty where it cannot be read. */
async function commandLine(pid: number): Promise<string> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ');
  } catch {
    return '';
  }
}

/**
 * The pid record of `name` if its process still runs and is still ours: its command line must
 * still name our infra folder, so a recycled pid of some other program is never signalled.
 */
export async function runningRecord(
  infraDir: string,
  name: string,
): Promise<PidRecord | undefined> {
  let record: PidRecord;
  try {
    record = JSON.parse(await readFile(pidFile(infraDir, name), 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
  if (!isAlive(record.pid)) return undefined;
  const line = await commandLine(record.pid);
  return line.includes(infraDir) ? record : undefined;
}

/** Starts `command` detached, output appended to its log file, and records its pid. */
export async function startDetached(
  infraDir: string,
  name: string,
  command: string,
  args: readonly string[],
  options: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv } = {},
): Promise<PidRecord> {
  await mkdir(path.join(infraDir, 'run'), { recursive: true });
  await mkdir(path.join(infraDir, 'logs'), { recursive: true });
  const log = openSync(logFile(infraDir, name), 'a');
  try {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve(child.pid ?? -1));
    });
    child.unref();
    const record: PidRecord = {
      pid,
      command: [command, ...args].join(' '),
      startedAt: new Date().toISOString(),
    };
    await writeFile(pidFile(infraDir, name), JSON.stringify(record));
    return record;
  } finally {
    closeSync(log);
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone and its record removed. */
export async function stopRecorded(
  infraDir: string,
  name: string,
  graceMs = 20_000,
): Promise<boolean> {
  const record = await runningRecord(infraDir, name);
  if (record !== undefined) {
    process.kill(record.pid, 'SIGTERM');
    try {
      await waitFor(() => !isAlive(record.pid), {
        timeoutMs: graceMs,
        description: `${name} (pid ${record.pid}) to stop`,
      });
    } catch {
      process.kill(record.pid, 'SIGKILL');
      await waitFor(() => !isAlive(record.pid), {
        timeoutMs: 5_000,
        description: `${name} (pid ${record.pid}) to die`,
      }).catch(() => {
        throw new CodedError('STOP_FAILED', `${name} (pid ${record.pid}) survived SIGKILL`);
      });
    }
  }
  await rm(pidFile(infraDir, name), { force: true });
  return record !== undefined;
}
