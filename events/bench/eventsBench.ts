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
import { createLogger, envInt, envList, waitFor } from '@cashtrack/platform';
import { startTracing } from '@cashtrack/platform/tracing';
import { createEventProducer, ensureTopics, runEventConsumer } from '../src/kafka/index.ts';
import { topicNames, type CashTrackEvent } from '../src/index.ts';
import { benchExpenseEvents } from './benchEvents.ts';

const total = envInt('BENCH_EVENTS', 100_000);
const chunk = 1_000;
/** Partitions handled at once, the same for both consumers. */
const concurrency = envInt('BENCH_PARTITIONS_CONCURRENTLY', 1);
/** Measured rounds of the four consumers, after one unmeasured round. */
const rounds = envInt('BENCH_ROUNDS', 4);
const users = 1_000;
const kafka = new Kafka({
  clientId: 'events-bench',
  brokers: envList('KAFKA_BROKERS', ['127.0.0.1:9092']),
  logLevel: logLevel.ERROR,
});
// The runner's own log lines go to stderr, so stdout is the figures and ends with the JSON line.
const runnerLog = createLogger('events-bench', 'stderr');
const prefix = `bench-${Date.now().toString(36)}-`;
const topic = topicNames(prefix).expenses;
// As a service process has it: on only when OTEL_EXPORTER_OTLP_ENDPOINT is set (bench:observability).
const tracing = startTracing('events-bench');

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function perSecond(count: number, ms: number): number {
  return Math.round((count / ms) * 1_000);
}

/** Built here, so the 100,000 events are garbage by the time the consumers' passes are timed. */
async function produce(): Promise<number> {
  const events: readonly CashTrackEvent[] = benchExpenseEvents(total, users);
  const producer = createEventProducer(kafka, { topicPrefix: prefix });
  await producer.connect();
  const started = performance.now();
  for (let start = 0; start < events.length; start += chunk) {
    await producer.publish(events.slice(start, start + chunk));
    if ((start / chunk) % 20 === 19) say(`  produced ${start + chunk}`);
  }
  const elapsed = performance.now() - started;
  await producer.disconnect();
  return perSecond(events.length, elapsed);
}

/** One consumer's pass over the topic. */
interface Pass {
  readonly perSec: number;
  /** Microseconds of this process's CPU (user and system) per message. */
  readonly cpuMicros: number;
}

/** Counts messages from the first to the `total`-th: their rate and the CPU spent per message. */
async function timeUntilAll(
  run: (onMessages: (count: number) => void) => Promise<() => Promise<void>>,
): Promise<Pass> {
  let seen = 0;
  let first = 0;
  let last = 0;
  let cpuAtFirst = process.cpuUsage();
  let cpu: NodeJS.CpuUsage | undefined;
  const stop = await run((count) => {
    if (seen === 0) {
      first = performance.now();
      cpuAtFirst = process.cpuUsage();
    }
    seen += count;
    if (seen >= total && last === 0) {
      last = performance.now();
      cpu = process.cpuUsage(cpuAtFirst);
    }
  });
  await waitFor(() => last > 0, { timeoutMs: 300_000, description: `${total} messages` });
  await stop();
  const cpuMicros = cpu === undefined ? 0 : (cpu.user + cpu.system) / total;
  return { perSec: perSecond(total, last - first), cpuMicros: round(cpuMicros) };
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

/** The runner with a handler per event, or (`batches`) a batch handler per fetched batch. */
async function consumeWithRunner(run: number, batches: boolean): Promise<Pass> {
  return timeUntilAll(async (onMessages) => {
    const settings = {
      kafka,
      groupId: `${prefix}runner-${batches ? 'batches' : 'events'}-${run}`,
      topics: [topic],
      partitionsConsumedConcurrently: concurrency,
      logger: runnerLog,
    };
    const consumer = await runEventConsumer(
      batches
        ? {
            ...settings,
            handleBatch: (events) => {
              onMessages(events.length);
              return Promise.resolve();
            },
          }
        : {
            ...settings,
            // It only counts, as the bare consumers do: synchronous, so the runner waits for no
            // promise of its own per event (a handler that writes somewhere returns one).
            handle: () => {
              onMessages(1);
            },
          },
    );
    return () => consumer.stop();
  });
}

/**
 * A bare kafkajs consumer: eachBatch over the same topic, the same commit defaults. With
 * `parse`, it also reads each value as JSON, the least any consumer of JSON events must do;
 * without, it only counts messages, which no real consumer can match.
 */
async function consumeBare(run: number, parse: boolean): Promise<Pass> {
  return timeUntilAll(async (onMessages) => {
    const consumer = kafka.consumer({
      groupId: `${prefix}bare-${parse ? 'json' : 'count'}-${run}`,
      maxWaitTimeInMs: 1_000,
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: concurrency,
      eachBatch: ({ batch }) => {
        if (parse) {
          for (const message of batch.messages) {
            if (message.value !== null) JSON.parse(message.value.toString('utf8'));
          }
        }
        onMessages(batch.messages.length);
        return Promise.resolve();
      },
    });
    return () => consumer.disconnect();
  });
}

async function main(): Promise<void> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, { prefix });
    say(`events bench: ${total} ExpenseRecorded events, ${users} users, topic ${topic}`);
    const producedPerSec = await produce();
    say(`producer (validate, encode, idempotent send, acks=all): ${producedPerSec} events/s`);

    const consumers: readonly Consumer[] = [
      {
        name: 'bareCounting',
        label: 'bare kafkajs consumer, counting only',
        unit: 'messages',
        pass: (run) => consumeBare(run, false),
      },
      {
        name: 'bare',
        label: 'bare kafkajs consumer, JSON.parse per message',
        unit: 'messages',
        pass: (run) => consumeBare(run, true),
      },
      {
        name: 'runner',
        label: 'consumer runner (decode, validate, handle, commit)',
        unit: 'events',
        pass: (run) => consumeWithRunner(run, false),
      },
      {
        name: 'runnerInBatches',
        label: 'consumer runner in batch mode',
        unit: 'events',
        pass: (run) => consumeWithRunner(run, true),
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
