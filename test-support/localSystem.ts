import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// Straight from infra's modules: these pieces are for harnesses, not infra's public face.
import { ferretdbServer } from '../infra/src/ferretdbServer.ts';
import { kafkaServer } from '../infra/src/kafkaServer.ts';
import type { LocalServer } from '../infra/src/localServer.ts';
import {
  isAlive,
  logFile as serverLogFile,
  runningRecord,
  stopRecorded,
} from '../infra/src/managedProcess.ts';
import { readInfraSettings, type InfraSettings } from '../infra/src/settings.ts';
import { CodedError, waitFor } from '@cashtrack/platform';
import { serviceProcesses } from '../scripts/processes.ts';
import { freePort } from './freePort.ts';

/**
 * The whole system as real processes, the way `npm start` runs it, on private servers: a Kafka
 * broker and a FerretDB of its own (on free ports, with data in a folder of its own, running the
 * binaries the repository already installed in `.infra`), then every service of
 * `scripts/processes.ts` as a child process configured only by environment variables.
 *
 * Made for tests that stop, kill and restart pieces on the same data (restart tests, `npm run
 * chaos`): nothing here touches the shared servers on 9092 / 27017 or the ports 4000-4004.
 *
 * ```ts
 * const system = await startLocalSystem();       // infra + services, each ready
 * await system.restartService('expense', { signal: 'SIGKILL' });
 * await system.stop();                           // services, then Kafka and FerretDB
 * await system.start();                          // again, on the same data
 * await system.dispose();                        // in afterAll: kills what runs, removes the folder
 * ```
 */

/** A service of `npm start`, by its name in `scripts/processes.ts`. */
export type ServiceName = 'auth' | 'user' | 'expense' | 'parser-worker' | 'gateway';

/** A private infrastructure server. */
export type InfraServerName = 'kafka' | 'ferretdb';

/** Any process the harness runs. */
export type ProcessName = ServiceName | InfraServerName;

/** How a process is stopped: SIGTERM waits for its graceful shutdown; SIGKILL is a crash. */
export type StopSignal = 'SIGTERM' | 'SIGKILL';

export interface LocalSystemOptions {
  /**
   * Folder for the servers' data, every process's log (`logs/<name>.log`) and pid files
   * (`run/`). Default: a new folder under the OS temp dir, removed by `dispose()`. A folder given
   * here is never removed.
   */
  readonly dir?: string;
  /** Added to every service's environment, last, e.g. `{ GATEWAY_RATE_USER_BURST: '1000' }`. */
  readonly env?: Readonly<Record<string, string>>;
  /** How long a service may take to answer `/ready` after it is spawned. Default 60 000 ms. */
  readonly readyTimeoutMs?: number;
  /** How long SIGTERM may take before the harness escalates to SIGKILL. Default 20 000 ms. */
  readonly stopGraceMs?: number;
  /** `LOG_LEVEL` of the services (their logs go to files, not the test's output). Default `info`. */
  readonly logLevel?: string;
  /** Maximum JVM heap of the private broker. Default `384m`. */
  readonly kafkaHeap?: string;
}

/** The ports the system was given; they stay the same across restarts, as a deployment's would. */
export interface LocalSystemPorts {
  readonly kafka: number;
  readonly kafkaController: number;
  readonly mongo: number;
  readonly auth: number;
  readonly user: number;
  readonly expense: number;
  readonly parserWorker: number;
  readonly gateway: number;
}

/** One exit of a service process, as the harness saw it. */
export interface ServiceExit {
  readonly service: ServiceName;
  readonly pid: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly at: Date;
  /** False when the process ended without the harness stopping it: a crash. */
  readonly expected: boolean;
}

export interface LocalSystem {
  /** The folder holding data, logs and pid files. */
  readonly dir: string;
  readonly ports: LocalSystemPorts;
  /** `KAFKA_BROKERS` of the private broker, e.g. `127.0.0.1:41235`. */
  readonly kafkaBrokers: string;
  /** `MONGO_URL` of the private FerretDB. */
  readonly mongoUrl: string;
  /** The gateway's base URL, e.g. `http://127.0.0.1:38123` (for `postGraphQL`). */
  readonly gatewayUrl: string;
  /** The gateway's GraphQL endpoint (HTTP and graphql-ws). */
  readonly graphqlUrl: string;
  /** Every service in start order (the order of `scripts/processes.ts`). */
  readonly services: readonly ServiceName[];
  /** The environment each service is started with. */
  readonly environment: Readonly<Record<string, string>>;
  /** Every service exit seen so far, in order; see `unexpectedExits()` for crashes. */
  readonly exits: readonly ServiceExit[];

  /**
   * Starts whatever is not running: Kafka and FerretDB, then the services, each ready. The first
   * service (auth: the others fetch its keys) starts alone, then the middle ones together, then
   * the last (the gateway: it composes them); `{ sequential: true }` starts them one by one,
   * exactly as `npm start` does.
   */
  start(options?: { readonly sequential?: boolean }): Promise<void>;
  /** Stops every service in reverse order, then Kafka and FerretDB; SIGKILL crashes them all. */
  stop(signal?: StopSignal): Promise<void>;

  /** Starts a private server on its data and waits until it answers its protocol. */
  startServer(name: InfraServerName): Promise<void>;
  /** SIGTERM (graceful) or SIGKILL; resolves once the process is gone. No-op when not running. */
  stopServer(name: InfraServerName, signal?: StopSignal): Promise<void>;
  /** Stops (SIGTERM by default) and starts a server again on the same data and port. */
  restartServer(name: InfraServerName, options?: { readonly signal?: StopSignal }): Promise<void>;

  /** Spawns a service and waits for its `/ready`; throws with its log's tail if it exits first. */
  startService(name: ServiceName): Promise<void>;
  /** SIGTERM (escalating to SIGKILL after the grace) or SIGKILL; resolves once it has exited. */
  stopService(name: ServiceName, signal?: StopSignal): Promise<ServiceExit | undefined>;
  /** Stops (SIGTERM by default) and starts a service again. */
  restartService(name: ServiceName, options?: { readonly signal?: StopSignal }): Promise<void>;
  /** Waits until a running service answers `/ready`. */
  waitReady(name: ServiceName, timeoutMs?: number): Promise<void>;

  /** True while the process runs (a service may not be ready yet). */
  isRunning(name: ProcessName): boolean;
  /** The pid of a running process. */
  pid(name: ProcessName): number | undefined;
  /** A service's base URL, e.g. `http://127.0.0.1:40123`. */
  serviceUrl(name: ServiceName): string;
  /** The log file every start of the process appends to. */
  logFile(name: ProcessName): string;
  /** The last `lines` lines of a process's log, for failure messages. */
  logTail(name: ProcessName, lines?: number): Promise<string>;
  /** Service exits the harness did not cause. */
  unexpectedExits(): ServiceExit[];
  /**
   * For a failed test's message: the folder, any crash, and the last `lines` lines of every
   * process's log. Also makes `dispose()` keep the folder.
   */
  failureReport(lines?: number): Promise<string>;

  /**
   * Kills every process still running (SIGKILL: their data is thrown away) and removes the folder
   * the harness created, unless `keepDir` (default: keep it when a start failed or a service
   * crashed, so its logs can be read; the error messages name it).
   */
  dispose(options?: { readonly keepDir?: boolean }): Promise<void>;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const portVariables: Readonly<Record<ServiceName, string>> = {
  auth: 'AUTH_PORT',
  user: 'USER_PORT',
  expense: 'EXPENSE_PORT',
  'parser-worker': 'PARSER_PORT',
  gateway: 'GATEWAY_PORT',
};

function isServiceName(name: string): name is ServiceName {
  return Object.hasOwn(portVariables, name);
}

/**
 * Variables of the project (and of Jest) that would point a child elsewhere than this system,
 * or change its behaviour from what a user gets: they are dropped from the inherited environment.
 */
const projectVariable =
  /^(OPENAI_|KAFKA_|MONGO_|AUTH_|USER_|EXPENSE_|PARSER_|GATEWAY_|SUBGRAPH_|CASHTRACK_|LOG_LEVEL$|NODE_ENV$|JEST_WORKER_ID$)/;

interface ServiceSlot {
  readonly name: ServiceName;
  readonly entry: string;
  readonly port: number;
  child: ChildProcess | undefined;
  /** Resolves with the exit once the current child has exited. */
  exited: Promise<ServiceExit> | undefined;
  /** Set before the harness signals the child, so its exit counts as expected. */
  stopping: boolean;
}

/** Every live system of this process, killed if the process exits without disposing of them. */
const liveSystems = new Set<() => void>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const killAll of liveSystems) killAll();
  });
}

/** Creates the system (ports, folder) without starting anything; `start()` starts it. */
export async function createLocalSystem(options: LocalSystemOptions = {}): Promise<LocalSystem> {
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(path.join(tmpdir(), 'cashtrack-system-')));
  await mkdir(path.join(dir, 'logs'), { recursive: true });
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const stopGraceMs = options.stopGraceMs ?? 20_000;

  const ports: LocalSystemPorts = {
    kafka: await freePort(),
    kafkaController: await freePort(),
    mongo: await freePort(),
    auth: await freePort(),
    user: await freePort(),
    expense: await freePort(),
    parserWorker: await freePort(),
    gateway: await freePort(),
  };
  const servicePorts: Readonly<Record<ServiceName, number>> = {
    auth: ports.auth,
    user: ports.user,
    expense: ports.expense,
    'parser-worker': ports.parserWorker,
    gateway: ports.gateway,
  };

  const shared = readInfraSettings();
  const settings: InfraSettings = {
    repoRoot: shared.repoRoot,
    infraDir: dir,
    // The repository's installed Kafka jars and FerretDB build: nothing is fetched or built.
    installDir: shared.installDir,
    kafka: {
      external: undefined,
      host: '127.0.0.1',
      port: ports.kafka,
      controllerPort: ports.kafkaController,
      heap: options.kafkaHeap ?? '384m',
    },
    mongo: { external: undefined, host: '127.0.0.1', port: ports.mongo },
  };
  const servers: Readonly<Record<InfraServerName, LocalServer>> = {
    kafka: kafkaServer(settings),
    ferretdb: ferretdbServer(settings),
  };
  const kafkaBrokers = servers.kafka.endpoint;
  const mongoUrl = servers.ferretdb.endpoint;
  const serviceUrl = (name: ServiceName): string => `http://127.0.0.1:${servicePorts[name]}`;

  const slots: ServiceSlot[] = serviceProcesses.map((service) => {
    if (!isServiceName(service.name)) {
      throw new CodedError(
        'UNKNOWN_SERVICE',
        `scripts/processes.ts lists "${service.name}", which test-support/localSystem.ts does not know how to configure; add its port variable there`,
      );
    }
    return {
      name: service.name,
      entry: path.join(repoRoot, service.entry),
      port: servicePorts[service.name],
      child: undefined,
      exited: undefined,
      stopping: false,
    };
  });
  const slot = (name: ServiceName): ServiceSlot => {
    const found = slots.find((candidate) => candidate.name === name);
    if (found === undefined) throw new CodedError('UNKNOWN_SERVICE', `no service "${name}"`);
    return found;
  };

  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && !projectVariable.test(entry[0]),
    ),
  );
  const jwksUrl = `${serviceUrl('auth')}/.well-known/jwks.json`;
  const environment: Readonly<Record<string, string>> = {
    ...inherited,
    LOG_LEVEL: options.logLevel ?? 'info',
    KAFKA_BROKERS: kafkaBrokers,
    MONGO_URL: mongoUrl,
    ...Object.fromEntries(slots.map((s) => [portVariables[s.name], String(s.port)])),
    AUTH_JWKS_URL: jwksUrl,
    // The composed supergraph names the default ports; the gateway is pointed at ours.
    SUBGRAPH_AUTH_URLS: `${serviceUrl('auth')}/graphql`,
    SUBGRAPH_USER_URLS: `${serviceUrl('user')}/graphql`,
    SUBGRAPH_EXPENSE_URLS: `${serviceUrl('expense')}/graphql`,
    ...options.env,
  };

  const exits: ServiceExit[] = [];
  const infraPids = new Map<InfraServerName, number>();
  let sawFailure = false;
  let disposed = false;

  const logFile = (name: ProcessName): string =>
    isServiceName(name) ? path.join(dir, 'logs', `${name}.log`) : serverLogFile(dir, name);

  const logTail = async (name: ProcessName, lines = 40): Promise<string> =>
    (await readFile(logFile(name), 'utf8').catch(() => ''))
      .trimEnd()
      .split('\n')
      .slice(-lines)
      .join('\n');

  const failure = async (name: ProcessName, what: string): Promise<CodedError> => {
    sawFailure = true;
    return new CodedError(
      'SYSTEM_FAILURE',
      `${name} ${what}; ${logFile(name)} ends:\n${await logTail(name, 25)}`,
    );
  };

  /** Synchronous, for the process's exit hook: SIGKILL to everything still running. */
  const killAllNow = (): void => {
    for (const s of slots) {
      if (s.child?.pid !== undefined && s.child.exitCode === null && s.child.signalCode === null) {
        s.stopping = true;
        s.child.kill('SIGKILL');
      }
    }
    for (const pid of infraPids.values()) {
      try {
        if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  };
  liveSystems.add(killAllNow);
  installExitHook();

  async function startServer(name: InfraServerName): Promise<void> {
    const server = servers[name];
    if ((await runningRecord(dir, name)) !== undefined) {
      throw new CodedError('ALREADY_RUNNING', `${name} of ${dir} is already running`);
    }
    // A build older than its sources still runs; rebuilding the shared binaries is infra:up's job.
    if (!server.isInstalled()) await server.install();
    await appendFile(logFile(name), `\n--- localSystem: starting ${name} ---\n`);
    await server.start();
    const record = await runningRecord(dir, name);
    if (record !== undefined) infraPids.set(name, record.pid);
    const outcome = await waitFor(
      async () => {
        if (await server.isReady()) return 'ready';
        return (await runningRecord(dir, name)) === undefined ? 'exited' : false;
      },
      { timeoutMs: server.readyTimeoutMs, maxIntervalMs: 250, description: `${name} to answer` },
    ).catch(() => 'timeout' as const);
    if (outcome !== 'ready') {
      throw await failure(name, outcome === 'exited' ? 'exited while starting' : 'never answered');
    }
  }

  async function stopServer(name: InfraServerName, signal: StopSignal = 'SIGTERM'): Promise<void> {
    if (signal === 'SIGKILL') {
      const record = await runningRecord(dir, name);
      if (record !== undefined) {
        process.kill(record.pid, 'SIGKILL');
        await waitFor(() => !isAlive(record.pid), {
          timeoutMs: 10_000,
          description: `${name} (pid ${record.pid}) to die`,
        });
      }
    }
    // After a SIGKILL this only removes the pid file.
    await stopRecorded(dir, name, stopGraceMs);
    infraPids.delete(name);
  }

  async function waitReady(name: ServiceName, timeoutMs = readyTimeoutMs): Promise<void> {
    const s = slot(name);
    const outcome = await waitFor(
      async () => {
        if (s.child === undefined) return 'exited';
        const response = await fetch(`${serviceUrl(name)}/ready`, {
          signal: AbortSignal.timeout(2_000),
        });
        await response.body?.cancel();
        return response.ok ? 'ready' : false;
      },
      { timeoutMs, maxIntervalMs: 250, description: `${name} at ${serviceUrl(name)}/ready` },
    ).catch(() => 'timeout' as const);
    if (outcome !== 'ready') {
      throw await failure(
        name,
        outcome === 'exited' ? 'exited before it was ready' : 'was not ready in time',
      );
    }
  }

  async function startService(name: ServiceName): Promise<void> {
    const s = slot(name);
    if (s.child !== undefined) throw new CodedError('ALREADY_RUNNING', `${name} is running`);
    await appendFile(logFile(name), `\n--- localSystem: starting ${name} ---\n`);
    const log = openSync(logFile(name), 'a');
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, ['--import', 'tsx', s.entry], {
        cwd: repoRoot,
        env: environment,
        // An IPC channel, as a supervisor gives: a service may take its closing as a cue to exit.
        stdio: ['ignore', log, log, 'ipc'],
      });
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
    } finally {
      closeSync(log);
    }
    s.child = child;
    s.stopping = false;
    const pid = child.pid ?? -1;
    s.exited = new Promise<ServiceExit>((resolve) => {
      child.once('exit', (code, signal) => {
        const exit: ServiceExit = {
          service: name,
          pid,
          code,
          signal,
          at: new Date(),
          expected: s.stopping,
        };
        exits.push(exit);
        if (!exit.expected) sawFailure = true;
        if (s.child === child) {
          s.child = undefined;
          s.exited = undefined;
        }
        resolve(exit);
      });
    });
    await waitReady(name);
  }

  async function stopService(
    name: ServiceName,
    signal: StopSignal = 'SIGTERM',
  ): Promise<ServiceExit | undefined> {
    const s = slot(name);
    const { child, exited } = s;
    if (child === undefined || exited === undefined) return undefined;
    s.stopping = true;
    child.kill(signal);
    const escalation =
      signal === 'SIGKILL' ? undefined : setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
    try {
      return await exited;
    } finally {
      clearTimeout(escalation);
    }
  }

  async function start(startOptions: { readonly sequential?: boolean } = {}): Promise<void> {
    await Promise.all(
      (['kafka', 'ferretdb'] as const).map(async (name) => {
        if ((await runningRecord(dir, name)) === undefined) await startServer(name);
      }),
    );
    const stopped = (group: readonly ServiceSlot[]): ServiceName[] =>
      group.filter((s) => s.child === undefined).map((s) => s.name);
    if (startOptions.sequential === true || slots.length < 3) {
      for (const name of stopped(slots)) await startService(name);
      return;
    }
    // Start-up is mostly waiting on Kafka and module loading, so the middle services overlap;
    // a failure of one still lets the others finish starting before it is thrown.
    for (const name of stopped(slots.slice(0, 1))) await startService(name);
    const middle = await Promise.allSettled(stopped(slots.slice(1, -1)).map(startService));
    const failed = middle.find((outcome) => outcome.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    for (const name of stopped(slots.slice(-1))) await startService(name);
  }

  async function stop(signal: StopSignal = 'SIGTERM'): Promise<void> {
    for (const s of [...slots].reverse()) await stopService(s.name, signal);
    await Promise.all([stopServer('kafka', signal), stopServer('ferretdb', signal)]);
  }

  return {
    dir,
    ports,
    kafkaBrokers,
    mongoUrl,
    gatewayUrl: serviceUrl('gateway'),
    graphqlUrl: `${serviceUrl('gateway')}/graphql`,
    services: slots.map((s) => s.name),
    environment,
    exits,
    start,
    stop,
    startServer,
    stopServer,
    async restartServer(name, restartOptions = {}) {
      await stopServer(name, restartOptions.signal ?? 'SIGTERM');
      await startServer(name);
    },
    startService,
    stopService,
    async restartService(name, restartOptions = {}) {
      await stopService(name, restartOptions.signal ?? 'SIGTERM');
      await startService(name);
    },
    waitReady,
    isRunning(name) {
      if (isServiceName(name)) return slot(name).child !== undefined;
      const pid = infraPids.get(name);
      return pid !== undefined && isAlive(pid);
    },
    pid(name) {
      if (isServiceName(name)) return slot(name).child?.pid;
      const pid = infraPids.get(name);
      return pid !== undefined && isAlive(pid) ? pid : undefined;
    },
    serviceUrl,
    logFile,
    logTail,
    unexpectedExits: () => exits.filter((exit) => !exit.expected),
    async failureReport(lines = 15) {
      sawFailure = true;
      const crashes = exits.filter((exit) => !exit.expected);
      const parts = [
        `local system in ${dir}`,
        ...(crashes.length === 0 ? [] : [`crashes: ${JSON.stringify(crashes)}`]),
      ];
      for (const name of [...slots.map((s) => s.name), 'kafka', 'ferretdb'] as const) {
        parts.push(`--- ${logFile(name)} ends:\n${await logTail(name, lines)}`);
      }
      return parts.join('\n');
    },
    async dispose(disposeOptions = {}) {
      if (disposed) return;
      disposed = true;
      killAllNow();
      await Promise.all(slots.flatMap((s) => (s.exited === undefined ? [] : [s.exited])));
      await Promise.all(
        (['kafka', 'ferretdb'] as const).map((name) => stopServer(name, 'SIGKILL')),
      );
      liveSystems.delete(killAllNow);
      const keep = disposeOptions.keepDir ?? sawFailure;
      if (ownsDir && !keep) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** `createLocalSystem(options)` then `start()`: the whole system running, each process ready. */
export async function startLocalSystem(options: LocalSystemOptions = {}): Promise<LocalSystem> {
  const system = await createLocalSystem(options);
  try {
    await system.start();
  } catch (error) {
    await system.dispose();
    throw error;
  }
  return system;
}
