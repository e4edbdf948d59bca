/**
 * The shared parts' probe of `npm run bench:subscriptions`, a child process of its own so its
 * timings do not wait on the system's event loop: every PROBE_INTERVAL_MS (default 25) it times
 * a FerretDB `ping` and a tiny indexed write (into the expense service's database, the SQLite
 * file whose checkpoints the read models wait for), a Kafka produce and the produce-to-fetch
 * round trip on a one-partition topic of its own, and a 512-byte write with `fdatasync` beside
 * the servers' data (the disk the broker's log and FerretDB's WAL share); per tick it notes its own event-loop delay,
 * the machine's busy share and CPU and IO pressure (/proc/pressure), the broker's and FerretDB's
 * CPU, and the broker JVM's collector time (`jstat`, when a local broker's pid is known).
 *
 * Started with the Mongo URL, the database, the topic and the pids (or '-') as arguments and an
 * IPC channel; says `ready` once every probe runs, and on `stop` sends its samples and exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { envInt, envList, waitFor } from '@cashtrack/platform';
import { readInfraSettings } from '../../infra/src/index.ts';
import { recordLoopDelayWindows } from './loopDelayWindows.ts';
import { busyShare, machineCpu, type MachineCpu } from './machineCpu.ts';
import type { ProbeSample } from './stallWindows.ts';

const [mongoUrl = '', database = '', topic = '', kafkaPidText = '-', ferretPidText = '-'] =
  process.argv.slice(2);
const intervalMs = envInt('PROBE_INTERVAL_MS', 25);
const epochNow = (): number => performance.timeOrigin + performance.now();
const samples: ProbeSample[] = [];
let running = true;

function note(signal: string, start: number, end: number, value: number): void {
  samples.push({ signal, start, end, value });
}

/** Runs `probe` every interval until stopped, each timed; a stalled probe is one long sample. */
async function every(signal: string, probe: () => Promise<unknown>): Promise<void> {
  while (running) {
    const start = epochNow();
    await probe();
    const end = epochNow();
    note(signal, start, end, end - start);
    await sleep(Math.max(0, start + intervalMs - epochNow()));
  }
}

const mongo = new MongoClient(mongoUrl, { maxPoolSize: 4 });
await mongo.connect();
const probeWrites = mongo.db(database).collection<{ _id: number; at: number }>('benchProbe');
let writes = 0;

const kafka = new Kafka({
  clientId: 'subscriptions-bench-probe',
  brokers: envList('KAFKA_BROKERS', ['127.0.0.1:9092']),
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
const producer = kafka.producer({ allowAutoTopicCreation: false });
await producer.connect();
const consumer = kafka.consumer({ groupId: `${topic}-group`, maxWaitTimeInMs: 500 });
await consumer.connect();
await consumer.subscribe({ topics: [topic], fromBeginning: false });
/** Sent probe messages by sequence number, resolved when the consumer has them. */
const awaited = new Map<string, () => void>();
let consumerJoined = false;
consumer.on(consumer.events.GROUP_JOIN, () => void (consumerJoined = true));
await consumer.run({
  eachMessage: ({ message }) => {
    awaited.get(message.value?.toString() ?? '')?.();
    return Promise.resolve();
  },
});
await waitFor(() => consumerJoined, { description: 'the probe consumer to join' });
let sent = 0;

async function kafkaRoundTrip(): Promise<void> {
  const sequence = String((sent += 1));
  const heard = new Promise<void>((resolve) => awaited.set(sequence, resolve));
  const start = epochNow();
  await producer.send({ topic, acks: -1, messages: [{ value: sequence }] });
  note('kafka.produce', start, epochNow(), epochNow() - start);
  // A message lost to a rebalance must not hang the probe: it shows as a 2 s round trip.
  await Promise.race([heard, sleep(2_000)]);
  awaited.delete(sequence);
}

/** utime + stime of `pid` in clock ticks, or undefined once it cannot be read. */
function processTicks(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/** Cumulative microseconds some task waited for `resource` (Linux PSI), or undefined. */
function pressureMicros(resource: 'cpu' | 'io'): number | undefined {
  try {
    const some = readFileSync(`/proc/pressure/${resource}`, 'utf8').split('\n', 1)[0] ?? '';
    const total = /total=(\d+)/.exec(some)?.[1];
    return total === undefined ? undefined : Number(total);
  } catch {
    return undefined;
  }
}

const clockTicksPerMs = 100 / 1000;
const pids = { 'kafka.cpu': Number(kafkaPidText), 'ferretdb.cpu': Number(ferretPidText) };

/** Per tick: the machine's state and the servers' CPU (cores). */
async function machineWindows(): Promise<void> {
  let start = epochNow();
  let cpu: MachineCpu | undefined = machineCpu();
  let pressure = { cpu: pressureMicros('cpu'), io: pressureMicros('io') };
  let ticks = Object.entries(pids).map(([signal, pid]) => ({
    signal,
    pid,
    ticks: Number.isInteger(pid) ? processTicks(pid) : undefined,
  }));
  while (running) {
    await sleep(intervalMs);
    const end = epochNow();
    const spanMs = end - start;
    const nowCpu = machineCpu();
    if (cpu !== undefined && nowCpu !== undefined) {
      note('machine.busy', start, end, busyShare(cpu, nowCpu));
    }
    cpu = nowCpu;
    const nowPressure = { cpu: pressureMicros('cpu'), io: pressureMicros('io') };
    for (const resource of ['cpu', 'io'] as const) {
      const [before, after] = [pressure[resource], nowPressure[resource]];
      if (before !== undefined && after !== undefined) {
        note(`machine.${resource}Pressure`, start, end, (after - before) / 1000 / spanMs);
      }
    }
    pressure = nowPressure;
    ticks = ticks.map((entry) => {
      const now = Number.isInteger(entry.pid) ? processTicks(entry.pid) : undefined;
      if (entry.ticks !== undefined && now !== undefined) {
        note(entry.signal, start, end, (now - entry.ticks) / clockTicksPerMs / spanMs);
      }
      return { ...entry, ticks: now };
    });
    start = end;
  }
}

/**
 * The broker JVM's collector time per `jstat` sample (ms of GCT, young, full and concurrent
 * phases together), read from its performance counters without attaching to it.
 */
function brokerGc(pid: number): ChildProcess | undefined {
  if (!Number.isInteger(pid)) return undefined;
  const jstat = spawn('jstat', ['-gc', String(pid), String(Math.max(intervalMs, 20))], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  jstat.on('error', () => undefined);
  let column = -1;
  let last: { at: number; gcSeconds: number } | undefined;
  let pending = '';
  jstat.stdout.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      if (fields.includes('GCT')) {
        column = fields.indexOf('GCT');
        continue;
      }
      const gcSeconds = Number(fields[column]);
      if (column < 0 || !Number.isFinite(gcSeconds)) continue;
      const at = epochNow();
      if (last !== undefined) note('kafka.gc', last.at, at, (gcSeconds - last.gcSeconds) * 1000);
      last = { at, gcSeconds };
    }
  });
  return jstat;
}

const syncedFile = path.join(readInfraSettings().infraDir, `bench-probe-${process.pid}.bin`);
const synced = await open(syncedFile, 'w');
const block = Buffer.alloc(512);

const jstat = brokerGc(pids['kafka.cpu']);
// This process does next to nothing else: its loop stalls when the machine gives it no CPU.
const ownLoop = recordLoopDelayWindows('probe.loopDelay', intervalMs);
const probes = Promise.all([
  every('ferretdb.ping', () => mongo.db(database).command({ ping: 1 })),
  every('ferretdb.write', () =>
    probeWrites.updateOne(
      { _id: (writes += 1) % 16 },
      { $set: { at: Date.now() } },
      { upsert: true },
    ),
  ),
  every('kafka.roundTrip', kafkaRoundTrip),
  every('disk.fsync', async () => {
    await synced.write(block, 0, block.length, 0);
    await synced.datasync();
  }),
  machineWindows(),
]);
process.send?.('ready');

// A bench that died without saying stop must not leave its probe running.
process.once('disconnect', () => process.exit(1));
process.on('message', (message) => {
  if (message !== 'stop') return;
  running = false;
  void (async () => {
    await probes;
    jstat?.kill('SIGTERM');
    ownLoop.stop();
    await synced.close();
    await rm(syncedFile, { force: true });
    await consumer.disconnect();
    await producer.disconnect();
    await admin.deleteGroups([`${topic}-group`]).catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await mongo
      .db(database)
      .dropCollection('benchProbe')
      .catch(() => undefined);
    await mongo.close();
    process.send?.([...samples, ...ownLoop.samples], undefined, {}, () => process.exit(0));
  })();
});
