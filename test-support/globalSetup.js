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
  const started = reports
    .filter((report) => report.state === 'started')
    .map((report) => report.name);
  const unowned = reports.filter((report) => report.state === 'reused');
  if (unowned.length > 0) {
    if (started.length > 0) {
      await runInfraCli(['down', '--only', started.join(',')], environmentBefore);
    }
    throw new Error(unownedServersMessage(unowned));
  }
  for (const report of reports) process.env[report.endpointVariable] = report.endpoint;
  try {
    const swept = await runRepoScript('test-support/sweepStaleTestDataCli.ts', [], process.env);
    process.stderr.write(`old test data deleted: ${JSON.stringify(swept)}\n`);
  } catch (error) {
    // Housekeeping only: the run goes on with the old data in place, and says so.
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  }
  Object.assign(globalThis, { cashtrackInfra: { environmentBefore, started } });
}

/**
 * Why a run will not use servers that answer on its ports without this checkout having started
 * them: most often they are another checkout's, whose own test run stops them when it ends, in
 * the middle of this one (two clones running `npm test` at once once failed that way). Servers
 * named in KAFKA_BROKERS / MONGO_URL are used as given.
 * @param {ServerReport[]} unowned
 */
function unownedServersMessage(unowned) {
  const lines = unowned.map(
    (report) =>
      `  ${report.name} answers at ${report.endpoint}, but this checkout did not start it`,
  );
  const named = unowned.map((report) => `${report.endpointVariable}=${report.endpoint}`).join(' ');
  return [
    'Tests will not run on servers that another checkout (or a container) may stop mid-run:',
    ...lines,
    'Stop them (npm run infra:down in the checkout that started them); or run on other ports,',
    '  e.g. CASHTRACK_KAFKA_PORT=19092 CASHTRACK_KAFKA_CONTROLLER_PORT=19093 CASHTRACK_MONGO_PORT=27018 npm test;',
    `  or use them anyway by naming them: ${named} npm test`,
  ].join('\n');
}
