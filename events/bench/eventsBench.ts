/**
 * `npm run bench:events`: 100,000 events through the event producer and the consumer runner (a
 * handler per event, then a batch handler), and the same topic read by a bare kafkajs consumer
 * in the same run, for the ratio of the two.
 * Figures are printed as it goes; the last line is one JSON object. `bareConsumerPerSec` is a
 * bare consumer that JSON-parses each value; `bareCountingPerSec` one that only counts.
 * Consumption is timed from the first message to the last, so group joins do not count. CPU time
 * per event (this process's user and system time over the same span) is printed beside each
 * rate: on a shared machine it moves less with the load of others than the rate does.
 *
 * Fairness: one unmeasured round first (JIT, the broker's page cache), then `BENCH_ROUNDS`
 * rounds in mirrored orders (counting, JSON, runner, batch; then batch, runner, JSON, counting),
 * so that no consumer always goes first or right after another, and the runner always runs
 * back to back with the bare JSON consumer. `ratio` is the median over rounds of the runner's
 * rate over the bare JSON consumer's in the same round (they share the machine's load of that
 * moment); `bestRatio` is the best runner pass over the best bare pass, as before.
 */
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { createLogger, envInt, envList } from '@cashtrack/platform';
import { startTracing } from '@cashtrack/platform/tracing';
import { ensureTopics } from '../src/kafka/index.ts';
import { topicNames } from '../src/index.ts';
import {
  barePass,
  produceBenchEvents,
  roundTo2 as round,
  runnerPass,
  type Pass,
  type PassTarget,
} from './consumerPasses.ts';

const total = envInt('BENCH_EVENTS', 100_000);
/** Measured rounds of the four consumers, after one unmeasured round. */
const rounds = envInt('BENCH_ROUNDS', 4);
const users = 1_000;
const kafka = new Kafka({
  clientId: 'events-bench',
  brokers: envList('KAFKA_BROKERS', ['127.0.0.1:9092']),
  logLevel: logLevel.ERROR,
});
const prefix = `bench-${Date.now().toString(36)}-`;
const target: PassTarget = {
  kafka,
  topic: topicNames(prefix).expenses,
  prefix,
  total,
  concurrency: envInt('BENCH_PARTITIONS_CONCURRENTLY', 1),
  // The runner's own log lines go to stderr, so stdout is the figures and ends with the JSON line.
  logger: createLogger('events-bench', 'stderr'),
};
// As a service process has it: on only when OTEL_EXPORTER_OTLP_ENDPOINT is set (bench:observability).
const tracing = startTracing('events-bench');

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

type ConsumerName = 'bareCounting' | 'bare' | 'runner' | 'runnerInBatches';

/** One of the four consumers the bench times, and how to run one pass of it. */
interface Consumer {
  readonly name: ConsumerName;
  readonly label: string;
  readonly unit: string;
  pass(run: number): Promise<Pass>;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : round(((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2);
}

function describe(pass: Pass, unit: string): string {
  return `${pass.perSec} ${unit}/s, ${pass.cpuMicros} µs CPU each`;
}

async function main(): Promise<void> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, { prefix });
    say(`events bench: ${total} ExpenseRecorded events, ${users} users, topic ${target.topic}`);
    const producedPerSec = await produceBenchEvents(target, users, (produced) =>
      say(`  produced ${produced}`),
    );
    say(`producer (validate, encode, idempotent send, acks=all): ${producedPerSec} events/s`);

    const consumers: readonly Consumer[] = [
      {
        name: 'bareCounting',
        label: 'bare kafkajs consumer, counting only',
        unit: 'messages',
        pass: (run) => barePass(target, String(run), false),
      },
      {
        name: 'bare',
        label: 'bare kafkajs consumer, JSON.parse per message',
        unit: 'messages',
        pass: (run) => barePass(target, String(run), true),
      },
      {
        name: 'runner',
        label: 'consumer runner (decode, validate, handle, commit)',
        unit: 'events',
        pass: (run) => runnerPass(target, String(run), false),
      },
      {
        name: 'runnerInBatches',
        label: 'consumer runner in batch mode',
        unit: 'events',
        pass: (run) => runnerPass(target, String(run), true),
      },
    ];
    const passes = new Map<ConsumerName, Pass[]>(consumers.map(({ name }) => [name, []]));
    for (let run = 0; run <= rounds; run += 1) {
      const order = run % 2 === 0 ? [...consumers].reverse() : consumers;
      for (const consumer of order) {
        const pass = await consumer.pass(run);
        const which = run === 0 ? 'warm-up, not counted' : `run ${run}`;
        say(`${consumer.label}, ${which}: ${describe(pass, consumer.unit)}`);
        if (run > 0) passes.get(consumer.name)?.push(pass);
      }
    }
    const of = (name: ConsumerName): readonly Pass[] => passes.get(name) ?? [];
    const best = (name: ConsumerName) => Math.max(...of(name).map((pass) => pass.perSec));
    const leastCpu = (name: ConsumerName) => Math.min(...of(name).map((pass) => pass.cpuMicros));
    /** Each round's rate of `name` over the bare JSON consumer's in the same round. */
    const roundRatios = (name: ConsumerName): number[] =>
      of(name).map((pass, index) => round(pass.perSec / (of('bare')[index]?.perSec ?? Infinity)));
    const consumedPerSec = best('runner');
    const bareConsumerPerSec = best('bare');
    const bareCountingPerSec = best('bareCounting');
    const runnerRoundRatios = roundRatios('runner');
    const ratio = median(runnerRoundRatios);
    const bestRatio = round(consumedPerSec / bareConsumerPerSec);
    const ratioToCounting = round(consumedPerSec / bareCountingPerSec);
    const runnerCpuMicrosPerEvent = leastCpu('runner');
    const bareCpuMicrosPerEvent = leastCpu('bare');
    const cpuRatio = round(bareCpuMicrosPerEvent / runnerCpuMicrosPerEvent);
    const batchConsumedPerSec = best('runnerInBatches');
    const batchRoundRatios = roundRatios('runnerInBatches');
    const batchRatio = median(batchRoundRatios);
    const batchRunnerCpuMicrosPerEvent = leastCpu('runnerInBatches');
    const batchCpuRatio = round(bareCpuMicrosPerEvent / batchRunnerCpuMicrosPerEvent);
    say(
      `ratio runner / bare JSON consumer, median of rounds: ${ratio} (goal >= 0.8); ` +
        `rounds ${runnerRoundRatios.join(', ')}; best over best ${bestRatio}`,
    );
    say(`ratio runner / bare counting consumer: ${ratioToCounting}`);
    say(`CPU per event, bare JSON consumer / runner: ${cpuRatio}`);
    say(
      `ratio runner in batch mode / bare JSON consumer, median of rounds: ${batchRatio}; ` +
        `rounds ${batchRoundRatios.join(', ')}; CPU ${batchCpuRatio}`,
    );
    say(
      JSON.stringify({
        bench: 'events',
        producedPerSec,
        consumedPerSec,
        bareConsumerPerSec,
        ratio,
        runnerRoundRatios,
        bestRatio,
        bareCountingPerSec,
        ratioToCounting,
        runnerCpuMicrosPerEvent,
        bareCpuMicrosPerEvent,
        cpuRatio,
        batchConsumedPerSec,
        batchRatio,
        batchRoundRatios,
        batchRunnerCpuMicrosPerEvent,
        batchCpuRatio,
      }),
    );
  } finally {
    const own = (await admin.listTopics()).filter((name) => name.startsWith(prefix));
    await admin.deleteTopics({ topics: own }).catch(() => undefined);
    await admin.disconnect();
    await tracing.shutdown();
  }
}

await main();
