import { runInfraCli } from './infraCli.ts';

interface InfraStartedByThisRun {
  readonly environmentBefore: NodeJS.ProcessEnv;
  readonly started: readonly string[];
}

/** Stops only what this run's setup started; `CASHTRACK_KEEP_INFRA=1` keeps it for the next run. */
export default async function globalTeardown(): Promise<void> {
  const infra = (globalThis as { cashtrackInfra?: InfraStartedByThisRun }).cashtrackInfra;
  if (
    infra === undefined ||
    infra.started.length === 0 ||
    process.env.CASHTRACK_KEEP_INFRA === '1'
  ) {
    return;
  }
  await runInfraCli(['down', '--only', infra.started.join(',')], infra.environmentBefore);
}
