import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { down, endpointEnvironment, readInfraSettings, up } from '@cashtrack/infra';
import { createLogger, errorMessage, waitFor } from '@cashtrack/platform';
import { serviceProcesses, type ServiceProcess } from './processes.ts';

const log = createLogger('start');
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const restartDelaysMs = [1_000, 2_000, 5_000, 10_000, 30_000];

interface Supervised {
  readonly service: ServiceProcess;
  child: ChildProcess | undefined;
  restarts: number;
}

/**
 * `npm start`: the whole system in the foreground. Starts the local infrastructure (unless
 * KAFKA_BROKERS / MONGO_URL name one), then every service, restarting one that crashes with a
 * growing delay, as a supervisor would. Ctrl-C stops everything it started, in reverse order.
 */
async function main(): Promise<void> {
  const settings = readInfraSettings();
  const reports = await up(settings);
  const startedInfra = reports
    .filter((report) => report.state === 'started')
    .map((report) => report.name);
  const environment = { ...process.env, ...endpointEnvironment(reports) };
  const supervised: Supervised[] = serviceProcesses.map((service) => ({
    service,
    child: undefined,
    restarts: 0,
  }));
  let stopping = false;
  // Signal handlers alone do not keep Node running; this handle does until Ctrl-C.
  const keepAlive = setInterval(() => undefined, 60_000);

  const launch = (entry: Supervised): void => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(repoRoot, entry.service.entry)],
      {
        cwd: repoRoot,
        env: environment,
        stdio: ['ignore', 'inherit', 'inherit'],
        // Its own process group: Ctrl-C reaches only this supervisor, which stops the services
        // one by one in reverse order instead of every process at once.
        detached: true,
      },
    );
    entry.child = child;
    child.once('exit', (code, signal) => {
      entry.child = undefined;
      if (stopping) return;
      const delay = restartDelaysMs[Math.min(entry.restarts, restartDelaysMs.length - 1)] ?? 30_000;
      entry.restarts += 1;
      log.error(
        { service: entry.service.name, code, signal, restartInMs: delay },
        'service exited; restarting',
      );
      setTimeout(() => {
        if (!stopping) launch(entry);
      }, delay);
    });
  };

  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    clearInterval(keepAlive);
    log.info({ signal }, 'stopping');
    for (const entry of [...supervised].reverse()) {
      const child = entry.child;
      if (child === undefined) continue;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const escalation = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(escalation);
    }
    await down(settings, startedInfra);
    log.info('stopped');
  };
  // Should this process die without stopping them, its services must not outlive it.
  process.once('exit', () => {
    for (const entry of supervised) entry.child?.kill('SIGKILL');
  });
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  try {
    for (const entry of supervised) {
      launch(entry);
      await waitFor(() => fetch(entry.service.readyUrl).then((response) => response.ok), {
        timeoutMs: 60_000,
        maxIntervalMs: 250,
        description: `${entry.service.name} at ${entry.service.readyUrl}`,
      });
      log.info({ service: entry.service.name, url: entry.service.readyUrl }, 'ready');
    }
  } catch (error) {
    await stop('startup failure');
    throw error;
  }
  log.info(
    { infra: reports, services: serviceProcesses.map((service) => service.name) },
    'CashTrack is up; Ctrl-C stops it',
  );
}

main().catch((error: unknown) => {
  log.error(errorMessage(error));
  process.exitCode = 1;
});
