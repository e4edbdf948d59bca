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
 *
 * BENCH_COMPARE_TRACEPARENT=1 (with BENCH_TRACING=1) asks what the `traceparent` header alone
 * costs: the same events are also produced before tracing starts (no header), tracing is turned
 * off before the passes, and each round times the runner over both topics in alternating order
 * (`micros` with the header, `plainMicros` without), so the two share the machine's drift.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { Kafka, logLevel } from 'kafkajs';
import { createLogger, envInt, envList } from '@cashtrack/platform';
import { startTracing } from '@cashtrack/platform/tracing';
import { startOtlpSink } from '../../bench/otlpSink.ts';
import { topicNames } from '../src/index.ts';
import { ensureTopics } from '../src/kafka/index.ts';
import { produceBenchEvents, runnerPass, type PassTarget } from './consumerPasses.ts';

const total = envInt('BENCH_EVENTS', 50_000);
const rounds = envInt('BENCH_ROUNDS', 3);
const profilePath = process.env.BENCH_CPU_PROFILE;
const kafka = new Kafka({
  clientId: 'runner-profile',
  brokers: envList('KAFKA_BROKERS', ['127.0.0.1:9092']),
  logLevel: logLevel.ERROR,
});
const compareTraceparent = process.env.BENCH_COMPARE_TRACEPARENT === '1';
const prefix = `bench-${Date.now().toString(36)}-`;
const logger = createLogger('runner-profile', 'stderr');
const target: PassTarget = {
  kafka,
  topic: topicNames(prefix).expenses,
  prefix,
  total,
  concurrency: 1,
  logger,
};
const plainPrefix = `${prefix}plain-`;
const plainTarget: PassTarget = {
  ...target,
  topic: topicNames(plainPrefix).expenses,
  prefix: plainPrefix,
};
const admin = kafka.admin();
await admin.connect();
// Before tracing starts, so its messages carry no traceparent.
if (compareTraceparent) await produce(plainPrefix);
const sink = process.env.BENCH_TRACING === '1' ? await startOtlpSink() : undefined;
const tracing = startTracing('runner-profile', {
  env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: sink?.endpoint ?? '' },
});

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function produce(topicPrefix: string): Promise<void> {
  await ensureTopics(admin, { prefix: topicPrefix });
  await produceBenchEvents({ kafka, prefix: topicPrefix, total }, 1_000);
}

/** One pass of the runner over `from`'s topic: CPU µs per event from the first to the last. */
async function pass(run: string, from = target): Promise<number> {
  return (await runnerPass(from, run, false)).cpuMicros;
}

const session = new Session();
try {
  await produce(prefix);
  // The producer's publish spans leave now, not during the first measured pass.
  await tracing.flush();
  if (compareTraceparent) await tracing.shutdown();
  say(`warm-up pass: ${await pass('0')} µs CPU per event`);
  if (compareTraceparent) {
    say(`warm-up pass without traceparent: ${await pass('0-plain', plainTarget)} µs CPU per event`);
  }
  if (profilePath !== undefined) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const micros: number[] = [];
  const plainMicros: number[] = [];
  for (let run = 1; run <= rounds; run += 1) {
    // In alternating order, so that neither topic always goes first.
    const plainFirst = compareTraceparent && run % 2 === 0;
    if (plainFirst) plainMicros.push(await pass(`${run}-plain`, plainTarget));
    micros.push(await pass(String(run)));
    if (compareTraceparent && !plainFirst) {
      plainMicros.push(await pass(`${run}-plain`, plainTarget));
    }
    const plain = compareTraceparent ? `, without traceparent ${plainMicros.at(-1)}` : '';
    say(`pass ${run}: ${micros.at(-1)} µs CPU per event${plain}`);
  }
  if (profilePath !== undefined) {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(profilePath, JSON.stringify(profile));
    session.disconnect();
  }
  say(
    JSON.stringify({
      bench: 'runnerProfile',
      events: total,
      tracing: sink !== undefined && !compareTraceparent,
      micros,
      ...(compareTraceparent ? { plainMicros } : {}),
    }),
  );
} finally {
  const own = (await admin.listTopics()).filter((name) => name.startsWith(prefix));
  await admin.deleteTopics({ topics: own }).catch(() => undefined);
  await admin.disconnect();
  await tracing.shutdown();
  await sink?.stop();
}
