import { runInfraCli } from './infraCli.ts';

interface ServerReport {
  readonly name: string;
  readonly endpointVariable: string;
  readonly endpoint: string;
  readonly state: 'started' | 'running' | 'reused' | 'external';
}

/**
 * Brings Kafka and the MongoDB-protocol server up through `infra:up` and points every test
 * worker at them. What this run started, its teardown stops again.
 */
export default async function globalSetup(): Promise<void> {
  const environmentBefore = { ...process.env };
  const reports = (await runInfraCli(['up'], process.env)) as ServerReport[];
  for (const report of reports) process.env[report.endpointVariable] = report.endpoint;
  const started = reports
    .filter((report) => report.state === 'started')
    .map((report) => report.name);
  Object.assign(globalThis, { cashtrackInfra: { environmentBefore, started } });
}
