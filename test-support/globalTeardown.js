import process from 'node:process';
import { runInfraCli } from './infraCli.js';

/** Stops only what this run's setup started; `CASHTRACK_KEEP_INFRA=1` keeps it for the next run. */
export default async function globalTeardown() {
  /** @type {{ environmentBefore: NodeJS.ProcessEnv, started: string[] } | undefined} */
  const infra = Reflect.get(globalThis, 'cashtrackInfra');
  if (
    infra === undefined ||
    infra.started.length === 0 ||
    process.env.CASHTRACK_KEEP_INFRA === '1'
  ) {
    return;
  }
  await runInfraCli(['down', '--only', infra.started.join(',')], infra.environmentBefore);
}
