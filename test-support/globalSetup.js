import process from 'node:process';
import { runInfraCli, runRepoScript } from './infraCli.js';

/**
 * @typedef {{ name: string, endpointVariable: string, endpoint: string,
 *   state: 'started' | 'running' | 'reused' | 'external' }} ServerReport
 */

/**
 * Brings Kafka and the MongoDB-protocol server up through `infra:up`, points every test worker
 * at them, and deletes what test runs that ended long ago left on them (staleTestData.ts). What
 * this run started, its teardown stops again.
 */
export default async function globalSetup() {
  const environmentBefore = { ...process.env };
  const reports = /** @type {ServerReport[]} */ (await runInfraCli(['up'], process.env));
  for (const report of reports) process.env[report.endpointVariable] = report.endpoint;
  try {
    const swept = await runRepoScript('test-support/sweepStaleTestDataCli.ts', [], process.env);
    process.stderr.write(`old test data deleted: ${JSON.stringify(swept)}\n`);
  } catch (error) {
    // Housekeeping only: the run goes on with the old data in place, and says so.
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  }
  const started = reports
    .filter((report) => report.state === 'started')
    .map((report) => report.name);
  Object.assign(globalThis, { cashtrackInfra: { environmentBefore, started } });
}
