import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  down,
  endpointEnvironment,
  readInfraSettings,
  runningRecord,
  startInfraWatchdog,
  up,
  type InfraSettings,
  type InfraWatchdog,
} from '@cashtrack/infra';
import { CodedError, createLogger, errorMessage, waitFor } from '@cashtrack/platform';
import { buildAppWebIfStale } from './appWebBuild.ts';
import { describeHolder, findPortHolders, type WantedPort } from './portHolders.ts';
import { serviceAddressEnvironment, serviceProcesses, type ServiceProcess } from './processes.ts';

const log = createLogger('start');
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const restartDelaysMs = [1_000, 2_000, 5_000, 10_000, 30_000];
/** A service that ran this long before it exited was not crash-looping: it restarts at once. */
const stableRunMs = 30_000;

interface Supervised {
  readonly service: ServiceProcess;
  child: ChildProcess | undefined;
  restarts: number;
}

/**
 * `npm start`: the whole system in the foreground. Starts the local infrastructure (unless
 * KAFKA_BROKERS / MONGO_URL name one), then every service, restarting one that crashes with a
 * growing delay, as a supervisor would. SIGINT (Ctrl-C), SIGTERM and SIGHUP (a closed terminal)
 * all stop everything this run started: the gateway, then the other services together, then the
 * infrastructure it started. Should this process die outright (SIGKILL), the services follow it
 * through their IPC channel (platform's stopWithParent) and the infra watchdog stops the servers
 * it started.
 */
async function main(): Promise<void> {
  const settings = readInfraSettings();
  // Before anything starts: a half-running system must be stopped first, not reported ready.
  await refuseTakenPorts(settings);
  void buildAppWebIfStale(log);

  const supervised: Supervised[] = serviceProcesses.map((service) => ({
    service,
    child: undefined,
    restarts: 0,
  }));
  const startedInfra: string[] = [];
  let watchdog: InfraWatchdog | undefined;
  let phase: 'provisioning' | 'running' | 'stopping' = 'provisioning';
  // Read through a function: the phase changes in signal handlers, behind the compiler's back.
  const isStopping = (): boolean => phase === 'stopping';
  // Signal handlers alone do not keep Node running; this handle does until stopped.
  const keepAlive = setInterval(() => undefined, 60_000);
  // npm between the terminal and this process may be killed outright; then nobody would be left
  // to stop us. Our parent changing means it died.
  const parentPid = process.ppid;
  const parentWatch = setInterval(() => {
    if (process.ppid !== parentPid) void stop(`parent ${parentPid} exited`, 1);
  }, 1_000);
  parentWatch.unref();

  const stop = async (reason: string, exitCode: number): Promise<void> => {
    if (phase === 'stopping') return;
    if (phase === 'provisioning') {
      // `up` holds the infra lock while it fetches, builds and starts; waiting for it could take
      // minutes. The watchdog stops whatever it started once this process is gone.
      log.info({ reason, startedInfra }, 'stopping while provisioning');
      process.exit(exitCode === 0 ? 130 : exitCode);
    }
    phase = 'stopping';
    clearInterval(keepAlive);
    clearInterval(parentWatch);
    log.info({ reason }, 'stopping');
    // The gateway first, so no request reaches a service that is stopping. The others then
    // take no requests and meet only through Kafka, which keeps what one has not read yet, so
    // they stop together: one after another took 12-18 s, mostly each one's revocation
    // listener waiting out the fetch the broker holds (revocationListener.ts).
    const isGateway = (entry: Supervised) => entry.service.name === 'gateway';
    await Promise.all(supervised.filter(isGateway).map(stopChild));
    await Promise.all(supervised.filter((entry) => !isGateway(entry)).map(stopChild));
    try {
      await down(settings, startedInfra);
      watchdog?.release();
    } catch (error) {
      // The watchdog still holds the list: it stops them once this process is gone.
      log.error({ err: errorMessage(error) }, 'could not stop the infrastructure');
      exitCode = 1;
    }
    log.info('stopped');
    process.exit(exitCode);
  };
  // The same for every way a person or a system asks a process to stop; a repeated signal (npm
  // forwards the one the terminal already sent to the whole group) must not cut the stop short.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => void stop(signal, 0));
  }
  if (settings.kafka.external === undefined || settings.mongo.external === undefined) {
    watchdog = await startInfraWatchdog(settings).catch((error: unknown) => {
      log.warn(
        { err: errorMessage(error) },
        'no infra watchdog: if this process is killed, stop Kafka and FerretDB with npm run infra:down',
      );
      return undefined;
    });
  }
  let environment: NodeJS.ProcessEnv;
  try {
    const reports = await up(settings, {
      onStarted: (name) => {
        startedInfra.push(name);
        watchdog?.guard(name);
      },
    });
    environment = {
      ...process.env,
      ...endpointEnvironment(reports),
      ...serviceAddressEnvironment(),
    };
  } catch (error) {
    phase = 'running';
    logFailure(error);
    await stop('startup failure', 1);
    return;
  }
  phase = 'running';

  const launch = (entry: Supervised): void => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(repoRoot, entry.service.entry)],
      {
        cwd: repoRoot,
        env: environment,
        // The IPC channel is the service's lifeline (stopWithParent): it closes when this
        // process dies, however it dies, and the service then stops.
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        // Its own process group: Ctrl-C reaches only this supervisor, which stops the gateway
        // before the others instead of every process at once.
        detached: true,
      },
    );
    entry.child = child;
    const launchedAt = Date.now();
    child.once('exit', (code, signal) => {
      entry.child = undefined;
      if (phase === 'stopping') return;
      if (Date.now() - launchedAt >= stableRunMs) entry.restarts = 0;
      const delay = restartDelaysMs[Math.min(entry.restarts, restartDelaysMs.length - 1)] ?? 30_000;
      entry.restarts += 1;
      log.error(
        { service: entry.service.name, code, signal, restartInMs: delay },
        `${entry.service.name} exited; restarting in ${delay / 1000} s`,
      );
      setTimeout(() => {
        if (phase !== 'stopping') launch(entry);
      }, delay);
    });
  };

  try {
    for (const entry of supervised) {
      const began = Date.now();
      log.info({ service: entry.service.name }, `starting ${entry.service.name}…`);
      launch(entry);
      await waitFor(
        // Only our own child's answer counts, never a stranger's on the same port.
        async () => entry.child !== undefined && (await fetch(entry.service.readyUrl)).ok,
        {
          timeoutMs: 60_000,
          maxIntervalMs: 250,
          description: `${entry.service.name} at ${entry.service.readyUrl}`,
        },
      );
      log.info(
        { service: entry.service.name, url: entry.service.readyUrl, ms: Date.now() - began },
        `${entry.service.name} ready`,
      );
    }
  } catch (error) {
    // A signal during start-up stops the children, which fails the wait: not a start-up failure.
    if (isStopping()) return;
    logFailure(error);
    await stop('startup failure', 1);
    return;
  }
  const gateway = serviceProcesses.find((entry) => entry.name === 'gateway');
  log.info(
    { services: serviceProcesses.map((entry) => entry.name), startedInfra },
    `ready: open http://127.0.0.1:${gateway?.port ?? 4000}/graphql (Ctrl-C stops everything)`,
  );
}

/** SIGTERM, and SIGKILL if it has not exited 15 s later. */
async function stopChild(entry: Supervised): Promise<void> {
  const child = entry.child;
  if (child === undefined) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const escalation = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(escalation);
}

/**
 * Throws PORTS_IN_USE, one line naming each holder, when a service port is taken by anything,
 * or a local server's port by anything but the server `infra:up` recorded there. Reusing our own
 * recorded Kafka and FerretDB is fine: `infra:up` left them running on purpose.
 */
async function refuseTakenPorts(settings: InfraSettings): Promise<void> {
  const serviceHolders = await findPortHolders(serviceProcesses);
  const infraPorts: (WantedPort & { readonly variable: string })[] = [];
  if (settings.kafka.external === undefined) {
    const { host, port, controllerPort } = settings.kafka;
    infraPorts.push({ name: 'kafka', host, port, variable: 'KAFKA_BROKERS' });
    infraPorts.push({ name: 'kafka', host, port: controllerPort, variable: 'KAFKA_BROKERS' });
  }
  if (settings.mongo.external === undefined) {
    const { host, port } = settings.mongo;
    infraPorts.push({ name: 'ferretdb', host, port, variable: 'MONGO_URL' });
  }
  const foreignInfra: string[] = [];
  for (const holder of await findPortHolders(infraPorts)) {
    const record = await runningRecord(settings.infraDir, holder.name);
    const ours = record !== undefined && (holder.pid === undefined || holder.pid === record.pid);
    if (ours) continue;
    const variable = infraPorts.find((wanted) => wanted.port === holder.port)?.variable;
    foreignInfra.push(
      `${describeHolder(holder)}, not the ${holder.name} recorded in ${path.relative(repoRoot, settings.infraDir) || '.'}/run (stop it, or set ${variable} to use it)`,
    );
  }
  const problems = [...serviceHolders.map(describeHolder), ...foreignInfra];
  if (problems.length === 0) return;
  const hint =
    serviceHolders.length > 0
      ? ' Stop those processes (an earlier npm start?) or move the services with GATEWAY_PORT, AUTH_PORT, USER_PORT, EXPENSE_PORT, PARSER_PORT.'
      : '';
  throw new CodedError(
    'PORTS_IN_USE',
    `npm start: ports already in use: ${problems.join('; ')}.${hint}`,
  );
}

/** One line: the error's code and its message, which names what failed and what to do. */
function logFailure(error: unknown): void {
  const code = error instanceof CodedError ? error.code : 'START_FAILED';
  log.error({ code }, errorMessage(error));
}

main().catch((error: unknown) => {
  logFailure(error);
  process.exit(1);
});
