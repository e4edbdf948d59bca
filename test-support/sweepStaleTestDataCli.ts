/**
 * Run by the test setup (globalSetup.js) once the servers are up: deletes the namespaces of test
 * runs that ended long ago (staleTestData.ts says why) and prints what it deleted as one JSON line.
 */
import { MongoClient } from 'mongodb';
import { envString, errorMessage } from '@cashtrack/platform';
import { kafkaForTests } from './clients.ts';
import { sweepStaleTestData } from './staleTestData.ts';

const mongo = await new MongoClient(envString('MONGO_URL', 'mongodb://127.0.0.1:27017')).connect();
try {
  const swept = await sweepStaleTestData(kafkaForTests('stale-test-data-sweep'), mongo);
  process.stdout.write(`${JSON.stringify(swept)}\n`);
} catch (error) {
  process.stderr.write(`could not delete old test data: ${errorMessage(error)}\n`);
  process.exitCode = 1;
} finally {
  await mongo.close();
}
