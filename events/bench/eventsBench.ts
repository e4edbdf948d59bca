/**
 * `npm run bench:events`: 100,000 events through the event producer and the consumer runner, and
 * the same topic read by a bare kafkajs consumer in the same run, for the ratio of the two.
 * Figures are printed as it goes; the last line is one JSON object. `bareConsumerPerSec` is a
 * bare consumer that JSON-parses each value; `bareCountingPerSec` one that only counts.
 * Consumption is timed from the first message to the last, so group joins do not count.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { createLogger, envInt, envList, waitFor } from '@cashtrack/platform';
import {
  createEventProducer,
  ensureTopics,
  newEvent,
  runEventConsumer,
  topicNames,
  type CashTrackEvent,
} from '../src/index.ts';

const total = envInt('BENCH_EVENTS', 100_000);
const chunk = 1_000;
/** Partitions handled at once, the same for both consumers. */
const concurrency = envInt('BENCH_PARTITIONS_CONCURRENTLY', 1);
/** Alternating rounds of the three consumers; the best of each counts (a shared machine is noisy). */
const rounds = envInt('BENCH_ROUNDS', 3);
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

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function perSecond(count: number, ms: number): number {
  return Math.round((count / ms) * 1_000);
}

function makeEvents(): CashTrackEvent[] {
  const now = new Date('2026-11-24T10:00:00Z');
  return Array.from({ length: total }, (_, index) =>
    newEvent({
      type: 'ExpenseRecorded',
      userId: `bench-user-${index % users}`,
      aggregateId: randomUUID(),
      aggregateVersion: 1,
      payload: {
        amountMinor: 100 + index,
        currency: 'USD',
        category: 'groceries',
        description: `bench expense ${index}`,
        occurredOn: '2026-11-24',
        source: 'MANUAL',
        origin: null,
      },
      correlationId: randomUUID(),
      now,
    }),
  );
}

async function produce(events: readonly CashTrackEvent[]): Promise<number> {
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

/** Counts messages from the first to the `total`-th; returns messages per second. */
async function timeUntilAll(
  run: (onMessages: (count: number) => void) => Promise<() => Promise<void>>,
): Promise<number> {
  let seen = 0;
  let first = 0;
  let last = 0;
  const stop = await run((count) => {
    if (seen === 0) first = performance.now();
    seen += count;
    if (seen >= total && last === 0) last = performance.now();
  });
  await waitFor(() => last > 0, { timeoutMs: 300_000, description: `${total} messages` });
  await stop();
  return perSecond(total, last - first);
}

async function consumeWithRunner(run: number): Promise<number> {
  return timeUntilAll(async (onMessages) => {
    const consumer = await runEventConsumer({
      kafka,
      groupId: `${prefix}runner-${run}`,
      topics: [topic],
      stopOnSignals: [],
      exitOnFatal: false,
      partitionsConsumedConcurrently: concurrency,
      logger: runnerLog,
      handle: () => {
        onMessages(1);
        return Promise.resolve();
      },
    });
    return () => consumer.stop();
  });
}

/**
 * A bare kafkajs consumer: eachBatch over the same topic, the same commit defaults. With
 * `parse`, it also reads each value as JSON, the least any consumer of JSON events must do;
 * without, it only counts messages, which no real consumer can match.
 */
async function consumeBare(run: number, parse: boolean): Promise<number> {
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
    const events = makeEvents();
    const producedPerSec = await produce(events);
    say(`producer (validate, encode, idempotent send, acks=all): ${producedPerSec} events/s`);

    // Alternating runs, best of each, so no side gains from going first (cold JIT) or last.
    const runner: number[] = [];
    const bare: number[] = [];
    const bareCounting: number[] = [];
    for (let run = 1; run <= rounds; run += 1) {
      bareCounting.push(await consumeBare(run, false));
      say(`bare kafkajs consumer, counting only, run ${run}: ${bareCounting.at(-1)} messages/s`);
      bare.push(await consumeBare(run, true));
      say(`bare kafkajs consumer, JSON.parse per message, run ${run}: ${bare.at(-1)} messages/s`);
      runner.push(await consumeWithRunner(run));
      say(
        `consumer runner (decode, validate, handle, commit), run ${run}: ${runner.at(-1)} events/s`,
      );
    }
    const consumedPerSec = Math.max(...runner);
    const bareConsumerPerSec = Math.max(...bare);
    const bareCountingPerSec = Math.max(...bareCounting);
    const ratio = round(consumedPerSec / bareConsumerPerSec);
    const ratioToCounting = round(consumedPerSec / bareCountingPerSec);
    say(`ratio runner / bare JSON consumer: ${ratio} (goal >= 0.8)`);
    say(`ratio runner / bare counting consumer: ${ratioToCounting}`);
    say(
      JSON.stringify({
        bench: 'events',
        producedPerSec,
        consumedPerSec,
        bareConsumerPerSec,
        ratio,
        bareCountingPerSec,
        ratioToCounting,
      }),
    );
  } finally {
    const own = (await admin.listTopics()).filter((name) => name.startsWith(prefix));
    await admin.deleteTopics({ topics: own }).catch(() => undefined);
    await admin.disconnect();
  }
}

await main();
