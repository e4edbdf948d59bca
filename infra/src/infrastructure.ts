import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import path from 'node:path';
import { CodedError, createLogger, waitFor } from '@cashtrack/platform';
import { ferretdbServer } from './ferretdbServer.ts';
import { kafkaServer } from './kafkaServer.ts';
import type { LocalServer } from './localServer.ts';
import { isAlive, logFile, pidFile, runningRecord, stopRecorded } from './managedProcess.ts';
import { readInfraSettings, type InfraSettings } from './settings.ts';

const log = createLogger('infra', 'stderr');

export type ServerState =
  /** Started by this call. */
  | 'started'
  /** Started earlier by infra:up and still running. */
  | 'running'
  /** Something else already answers on the local address: used, never stopped by us. */
  | 'reused'
  /** Named by KAFKA_BROKERS / MONGO_URL. */
  | 'external';

export interface ServerReport {
  readonly name: string;
  readonly endpointVariable: string;
  readonly endpoint: string;
  readonly state: ServerState;
}

export function localServers(settings: InfraSettings = readInfraSettings()): LocalServer[] {
  return [kafkaServer(settings), ferretdbServer(settings)];
}

/** The environment variables that point clients at the servers `up` reported. */
export function endpointEnvironment(reports: readonly ServerReport[]): Record<string, string> {
  return Object.fromEntries(reports.map((report) => [report.endpointVariable, report.endpoint]));
}

export interface UpOptions {
  /**
   * Called as soon as a server's process runs (its pid recorded), before it answers: a caller
   * that must stop what it started, even if it dies while waiting (npm start's watchdog), learns
   * it here rather than from the reports, which come only once everything is ready.
   */
  readonly onStarted?: (name: string) => void;
}

/**
 * Makes Kafka and the MongoDB-protocol server answer, installing and starting what is missing.
 * Idempotent: whatever already answers is reused. Concurrent callers (parallel test runs)
 * serialise on a lock file so a server is never started twice.
 */
export async function up(
  settings: InfraSettings = readInfraSettings(),
  options: UpOptions = {},
): Promise<ServerReport[]> {
  const servers = localServers(settings);
  return withLock(settings.infraDir, () =>
    Promise.all(servers.map((server) => bringUp(settings.infraDir, server, options))),
  );
}

/**
 * Stops the servers `up` started, by pid; servers it reused or was given are left alone.
 * `only` narrows it to some servers, such as those one test run started itself.
 */
export async function down(
  settings: InfraSettings = readInfraSettings(),
  only?: readonly string[],
): Promise<string[]> {
  const stopped: string[] = [];
  await withLock(settings.infraDir, () =>
    Promise.all(
      localServers(settings)
        .filter((server) => !server.external && (only === undefined || only.includes(server.name)))
        .map(async (server) => {
          if (await stopRecorded(settings.infraDir, server.name)) {
            stopped.push(server.name);
            log.info({ server: server.name }, 'stopped');
          }
        }),
    ),
  );
  return stopped;
}

export interface ServerStatus extends Omit<ServerReport, 'state'> {
  readonly ready: boolean;
  readonly pid: number | undefined;
  readonly logFile: string | undefined;
}

export async function status(
  settings: InfraSettings = readInfraSettings(),
): Promise<ServerStatus[]> {
  return Promise.all(
    localServers(settings).map(async (server) => {
      const record = server.external
        ? undefined
        : await runningRecord(settings.infraDir, server.name);
      return {
        name: server.name,
        endpointVariable: server.endpointVariable,
        endpoint: server.endpoint,
        ready: await server.isReady(),
        pid: record?.pid,
        logFile: server.external ? undefined : logFile(settings.infraDir, server.name),
      };
    }),
  );
}

async function bringUp(
  infraDir: string,
  server: LocalServer,
  options: UpOptions,
): Promise<ServerReport> {
  const report = (state: ServerState): ServerReport => ({
    name: server.name,
    endpointVariable: server.endpointVariable,
    endpoint: server.endpoint,
    state,
  });
  if (server.external) {
    await waitFor(() => server.isReady(), {
      timeoutMs: 30_000,
      description: `${server.name} at ${server.endpointVariable}=${server.endpoint}`,
    });
    return report('external');
  }
  const ours = await runningRecord(infraDir, server.name);
  if (ours === undefined && (await server.isReady())) return report('reused');
  if (ours === undefined) {
    if (await portAnswers(server.endpoint)) {
      throw new CodedError(
        'PORT_IN_USE',
        `${server.endpoint} is taken by a process that does not answer as ${server.name}; stop it or choose another port (see README, Environment)`,
      );
    }
    const started = Date.now();
    await server.install();
    log.info({ server: server.name, endpoint: server.endpoint }, `starting ${server.name}…`);
    await server.start();
    options.onStarted?.(server.name);
    await waitUntilReady(infraDir, server);
    log.info(
      { server: server.name, endpoint: server.endpoint, ms: Date.now() - started },
      `${server.name} ready at ${server.endpoint}`,
    );
    return report('started');
  }
  await waitUntilReady(infraDir, server);
  // Never restarted here: other test runs may be using it. It is rebuilt when next started.
  if (!(await server.isCurrent())) {
    log.warn(
      { server: server.name, endpoint: server.endpoint },
      `${server.name} runs a build older than its sources; stop it (npm run infra:down) when nothing uses it, and the next start rebuilds it`,
    );
  }
  return report('running');
}

async function waitUntilReady(infraDir: string, server: LocalServer): Promise<void> {
  const outcome = await waitFor(
    async () => {
      if (await server.isReady()) return 'ready';
      return (await runningRecord(infraDir, server.name)) === undefined ? 'exited' : false;
    },
    {
      timeoutMs: server.readyTimeoutMs,
      maxIntervalMs: 250,
      description: `${server.name} to answer`,
    },
  );
  if (outcome === 'exited') {
    await rm(pidFile(infraDir, server.name), { force: true });
    const tail = (await readFile(logFile(infraDir, server.name), 'utf8').catch(() => ''))
      .split('\n')
      .slice(-15)
      .join('\n');
    throw new CodedError(
      'START_FAILED',
      `${server.name} exited while starting; its log ends:\n${tail}`,
    );
  }
}

function portAnswers(endpoint: string): Promise<boolean> {
  const match = /^(?:mongodb:\/\/)?([^:/,]+):(\d+)/.exec(endpoint);
  if (match === null) return Promise.resolve(false);
  const [, host, port] = match;
  return new Promise((resolve) => {
    const socket = createConnection({ host, port: Number(port) });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A lock folder holding the owner's pid; a lock left by a dead process is taken over. */
async function withLock<T>(infraDir: string, work: () => Promise<T>): Promise<T> {
  const lockDir = path.join(infraDir, 'run', 'lock');
  const ownerFile = path.join(lockDir, 'owner');
  await mkdir(path.dirname(lockDir), { recursive: true });
  await waitFor(
    async () => {
      try {
        await mkdir(lockDir);
        await writeFile(ownerFile, String(process.pid));
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = Number(await readFile(ownerFile, 'utf8').catch(() => 'NaN'));
        if (Number.isInteger(owner) && !isAlive(owner))
          await rm(lockDir, { recursive: true, force: true });
        return false;
      }
    },
    { timeoutMs: 15 * 60_000, maxIntervalMs: 500, description: 'the infra lock' },
  );
  try {
    return await work();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}
