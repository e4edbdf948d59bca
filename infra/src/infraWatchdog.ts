import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodedError } from '@cashtrack/platform';
import { logFile } from './managedProcess.ts';
import type { InfraSettings } from './settings.ts';

/** From the supervisor to its watchdog. */
export type WatchdogCommand =
  /** `name`'s process now runs (pid recorded): stop it should the supervisor die. */
  | { readonly type: 'guard'; readonly name: string }
  /** The supervisor stopped what it started itself: nothing left to do. */
  | { readonly type: 'release' };

/** From the watchdog to the supervisor. */
export type WatchdogReport = { readonly type: 'ready' };

/** The supervisor's end of its watchdog. */
export interface InfraWatchdog {
  readonly pid: number;
  /** Call as soon as `up` starts a server (`UpOptions.onStarted`). */
  guard(name: string): void;
  /** Call after stopping the guarded servers yourself; the watchdog then exits. */
  release(): void;
}

const watchdogEntry = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'infraWatchdogProcess.ts',
);

/**
 * Starts the watchdog that stops the local servers a supervisor (`npm start`) started, should
 * the supervisor die without doing so itself (SIGKILL, a closed terminal, a crash).
 *
 * Kafka and FerretDB are started detached on purpose, so `infra:up` can leave them running after
 * it exits; only a supervisor that owns them wants them gone with it. The watchdog is one small
 * detached process per supervisor, tied to it by an IPC channel that the kernel closes when the
 * supervisor dies, however it dies: immediate, and unlike watching a pid, never fooled by a
 * reused pid. It then stops the servers it was told about through `down`, the same pid-record
 * path as `infra:down`, which signals a pid only while its command line still names our infra
 * folder. The servers themselves are started and recorded exactly as `infra:up` does, so
 * `infra:status`, `infra:down` and the tests see nothing different; a wrapper process around each
 * server would have put itself between the pid file and the server.
 *
 * Its log goes to `<infra dir>/logs/watchdog.log`: it may outlive the terminal.
 */
export async function startInfraWatchdog(settings: InfraSettings): Promise<InfraWatchdog> {
  const logPath = logFile(settings.infraDir, 'watchdog');
  await mkdir(path.dirname(logPath), { recursive: true });
  const log = openSync(logPath, 'a');
  const child = (() => {
    try {
      return spawn(process.execPath, ['--import', 'tsx', watchdogEntry], {
        cwd: settings.repoRoot,
        env: process.env,
        // Its own session: Ctrl-C and a closed terminal reach the supervisor, not the watchdog.
        detached: true,
        stdio: ['ignore', log, log, 'ipc'],
      });
    } finally {
      closeSync(log);
    }
  })();
  child.unref();
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 30_000);
    child.once('message', (report: WatchdogReport) => {
      clearTimeout(timer);
      resolve(report.type === 'ready');
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (!ready || child.pid === undefined) {
    child.kill('SIGKILL');
    throw new CodedError('WATCHDOG_FAILED', `the infra watchdog did not start; see ${logPath}`);
  }
  // A lifeline, not work: the channel must not keep the supervisor running once it is done.
  child.channel?.unref();
  const send = (command: WatchdogCommand): void => {
    if (child.connected) child.send(command);
  };
  return {
    pid: child.pid,
    guard: (name) => send({ type: 'guard', name }),
    release: () => {
      send({ type: 'release' });
      if (child.connected) child.disconnect();
    },
  };
}
