/**
 * `npx tsx events/bench/runnerProfile.ts`: the event runner alone (handler per event), for
 * profiling what tracing costs it (issue 17 item 5). `bench:events` times four consumers in one
 * process, so a CPU profile of it mixes them; this one produces BENCH_EVENTS events once, then
 * times BENCH_ROUNDS passes of the runner over them (after one unmeasured pass), and with
 * BENCH_CPU_PROFILE=<file> writes a V8 CPU profile of the measured passes alone.
 *
 * Tracing is as a service has it (OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG, OTEL_BSP_*);
 * BENCH_TRACING=1 turns it on against a local OTLP sink (bench/otlpSink.ts) that discards what it
 * gets, as bench:observability does. The events are produced with the same tracing, so at 10%
 * sampling one message in ten carries a sampled traceparent. The last line is JSON: CPU µs per
 * event of each pass (this process's user and system time from the first message to the last).
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { Kafka, logLevel } from 'kafkajs';
import { createLogger, envInt, envList, waitFor } from '@cashtrack/platform';
import { startTracing } from '@cashtrack/platform/tracing';
import { startOtlpSink } from '../../bench/otlpSink.ts';
import { topicNames } from '../src/index.ts';
import { createEventProducer, ensureTopics, runEventConsumer } from '../src/kafka/index.ts';
import { benchExpenseEvents } from './benchEvents.ts';

const total = envInt('BENCH_EVENTS', 50_000);
const rounds = envInt('BENCH_ROUNDS', 3);
const profilePath = process.env.BENCH_CPU_PROFILE;
const kafka = new Kafka({
  clientId: 'runner-profile',
  brokers: envList('KAFKA_BROKERS', ['127.0.0.1:9092']),
  logLevel: logLevel.ERROR,
});
const prefix = `bench-${Date.now().toString(36)}-`;
const topic = topicNames(prefix).expenses;
const sink = process.env.BENCH_TRACING === '1' ? await startOtlpSink() : undefined;
const tracing = startTracing('runner-profile', {
  env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: sink?.endpoint ?? '' },
});

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function produce(): Promise<void> {
  const events = benchExpenseEvents(total, 1_000);
  const producer = createEventProducer(kafka, { topicPrefix: prefix });
  await producer.connect();
  for (let start = 0; start < events.length; start += 1_000) {
    await producer.publish(events.slice(start, start + 1_000));
  }
  await producer.disconnect();
  // The producer's publish spans leave now, not during the first measured pass.
  await tracing.flush();
}

/** One pass of the runner over the topic: CPU µs per event from the first to the last. */
async function pass(run: number): Promise<number> {
  let seen = 0;
  let cpuAtFirst = process.cpuUsage();
  let spent: NodeJS.CpuUsage | undefined;
  const consumer = await runEventConsumer({
    kafka,
    groupId: `${prefix}runner-${run}`,
    topics: [topic],
    logger: createLogger('runner-profile', 'stderr'),
    handle: () => {
      if (seen === 0) cpuAtFirst = process.cpuUsage();
      seen += 1;
      if (seen === total) spent = process.cpuUsage(cpuAtFirst);
    },
  });
  await waitFor(() => spent !== undefined, { timeoutMs: 300_000, description: 'every event' });
  await consumer.stop();
  return spent === undefined ? Number.NaN : (spent.user + spent.system) / total;
}

const admin = kafka.admin();
await admin.connect();
const session = new Session();
try {
  await ensureTopics(admin, { prefix });
  await produce();
  say(`warm-up pass: ${(await pass(0)).toFixed(2)} µs CPU per event`);
  if (profilePath !== undefined) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const micros: number[] = [];
  for (let run = 1; run <= rounds; run += 1) {
    micros.push(Math.round((await pass(run)) * 100) / 100);
    say(`pass ${run}: ${micros.at(-1)} µs CPU per event`);
  }
  if (profilePath !== undefined) {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(profilePath, JSON.stringify(profile));
    session.disconnect();
  }
  say(
    JSON.stringify({ bench: 'runnerProfile', events: total, tracing: sink !== undefined, micros }),
  );
} finally {
  const own = (await admin.listTopics()).filter((name) => name.startsWith(prefix));
  await admin.deleteTopics({ topics: own }).catch(() => undefined);
  await admin.disconnect();
  await tracing.shutdown();
  await sink?.stop();
}
