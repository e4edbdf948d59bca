import process from 'node:process';
import { runInfraCli } from './infraCli.js';

/**
 * @typedef {{ name: string, endpointVariable: string, endpoint: string,
 *   state: 'started' | 'running' | 'reused' | 'external' }} ServerReport
 */

/**
 * Brings Kafka and the MongoDB-protocol server up through `infra:up` and points every test
 * worker at them. What this run started, its teardown stops again.
 */
export default async function globalSetup() {
  const environmentBefore = { ...process.env };
  const reports = /** @type {ServerReport[]} */ (await runInfraCli(['up'], process.env));
  for (const report of reports) process.env[report.endpointVariable] = report.endpoint;
  const started = reports
    .filter((report) => report.state === 'started')
    .map((report) => report.name);
  Object.assign(globalThis, { cashtrackInfra: { environmentBefore, started } });
}
