/**
 * A Kafka broker and a FerretDB of their own for `npm run bench:subscriptions`, with their data
 * in the folder given as the first argument (e.g. on tmpfs, `/dev/shm/…`, against one on disk):
 * the shared servers carry everybody's tests, and their disk everybody's IO, so an A/B of where
 * the servers keep their data is only fair on private ones. Prints
 * `KAFKA_BROKERS=… MONGO_URL=… CASHTRACK_INFRA_DIR=…` once both answer (the last lets the bench's
 * probe find their pids), and stops them on SIGTERM or SIGINT.
 *
 *     node --import tsx gateway/bench/privateServers.ts /dev/shm/cashtrack-bench
 */
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { createLocalSystem } from '../../test-support/localSystem.ts';

const dir = path.resolve(process.argv[2] ?? 'private-servers');
await mkdir(dir, { recursive: true });
const system = await createLocalSystem({ dir, kafkaHeap: '512m' });
await system.startServer('kafka');
await system.startServer('ferretdb');
process.stdout.write(
  `KAFKA_BROKERS=${system.kafkaBrokers} MONGO_URL=${system.mongoUrl} CASHTRACK_INFRA_DIR=${dir}\n`,
);
// Nothing else keeps this process alive, and the servers are stopped when it exits.
const alive = setInterval(() => undefined, 60_000);
await Promise.race([once(process, 'SIGTERM'), once(process, 'SIGINT')]);
clearInterval(alive);
await system.stopServer('ferretdb');
await system.stopServer('kafka');
