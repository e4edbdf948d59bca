/**
 * `npm run bench:parser`: the rules parser's messages per second over the public samples and
 * the everyday messages of issue 20 (emoji, other languages, costs per unit), repeated (goal:
 * at least 10,000), then the worker end to end on the broker in the same run:
 * messages published to `expense-messages`, timed from the first outcome event to the last on
 * `expenses`, so group joins do not count. Figures are printed as they come; the last line is
 * one JSON object. `workerRatio` is the worker's rate over the bare rules parser's.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { createEventProducer, ensureTopics } from '@cashtrack/events/kafka';
import { newEvent, topicNames, type CashTrackEvent } from '@cashtrack/events';
import { envInt, envList, envString, waitFor } from '@cashtrack/platform';
import { toParseRequest } from '../src/cli/parseInput.ts';
import { evaluate } from '../src/evaluation/evaluate.ts';
import { readSamples } from '../src/evaluation/samples.ts';
import { parseWithRules, rulesExtractor } from '../src/rules/rulesExtractor.ts';
import { startParserWorker } from '../src/worker/parserWorker.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, '..', 'test', 'fixtures');
const samplesFiles = ['parser-samples.jsonl', 'everyday-messages.jsonl'].map((file) =>
  path.join(fixtures, file),
);
const rulesMessages = envInt('BENCH_PARSER_MESSAGES', 200_000);
const workerMessages = envInt('BENCH_PARSER_WORKER_MESSAGES', 5_000);
const goalPerSec = 10_000;
/** Partitions the worker handles at once (`BENCH_PARTITIONS_CONCURRENTLY`, default 1, as deployed). */
const concurrency = envInt('BENCH_PARTITIONS_CONCURRENTLY', 1);

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function benchRules() {
  const samples = (await Promise.all(samplesFiles.map(readSamples))).flat();
  const report = await evaluate(samples, rulesExtractor);
  say(
    `rules parser accuracy on ${samples.length} samples: messages ${report.messages.correct}/${report.messages.total}`,
  );
  const requests = samples.map((sample) => toParseRequest(sample.input, new Date()));
  // Warm-up: let the JIT settle and the tables' caches fill before timing.
  for (let i = 0; i < 5_000; i += 1) parseWithRules(requests[i % requests.length]!);
  let expenses = 0;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < rulesMessages; i += 1) {
    expenses += parseWithRules(requests[i % requests.length]!).expenses.length;
  }
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (performance.now() - started) / 1000;
  const perSec = Math.round(rulesMessages / seconds);
  // On a machine others load, the wall clock also counts time spent waiting for a core; the
  // rate per CPU-second is what the parser itself costs, and what one idle core would do.
  const perCpuSec = Math.round(rulesMessages / ((cpu.user + cpu.system) / 1e6));
  say(
    `rules parser: ${rulesMessages} messages (${expenses} expenses) in ${seconds.toFixed(2)} s: ${perSec}/s, ${perCpuSec} per CPU-second`,
  );
  return {
    perSec,
    perCpuSec,
    accuracy: report.messages.accuracy,
    texts: samples.map((s) => s.input.text),
  };
}

async function benchWorker(texts: readonly string[]): Promise<number> {
  const kafka = new Kafka({
    clientId: 'parser-bench',
    brokers: envList('KAFKA_BROKERS', ['127.0.0.1:9092']),
    logLevel: logLevel.ERROR,
  });
  const prefix = `bench-parser-${Date.now().toString(36)}-`;
  const mongoUrl = envString('MONGO_URL', 'mongodb://127.0.0.1:27017');
  const benchDatabase = `${prefix}parser`;
  const topics = topicNames(prefix);
  const admin = kafka.admin();
  await admin.connect();
  const producer = createEventProducer(kafka, { topicPrefix: prefix });
  const counter = kafka.consumer({ groupId: `${prefix}counter`, maxWaitTimeInMs: 100 });
  try {
    await ensureTopics(admin, { prefix });
    await producer.connect();
    const now = new Date();
    const batch: CashTrackEvent[] = [];
    for (let i = 0; i < workerMessages; i += 1) {
      batch.push(
        newEvent({
          type: 'ExpenseMessageSubmitted',
          userId: `user-${i % 500}`,
          aggregateId: `${prefix}message-${i}`,
          aggregateVersion: 1,
          correlationId: `${prefix}${i}`,
          now,
          payload: { text: texts[i % texts.length]!, timezone: 'UTC', currency: 'USD' },
        }),
      );
      if (batch.length === 1_000) await producer.publish(batch.splice(0));
    }
    await producer.publish(batch);
    say(`published ${workerMessages} messages`);

    // Outcomes per message: one rejection, or the expenses with their `count`.
    const done = new Set<string>();
    let first = 0;
    let last = 0;
    await counter.connect();
    await counter.subscribe({ topics: [topics.expenses], fromBeginning: true });
    await counter.run({
      eachMessage: async ({ message }) => {
        const event = JSON.parse(message.value?.toString() ?? '{}') as {
          type: string;
          aggregateId: string;
          payload: { origin?: { messageId: string } };
        };
        first ||= performance.now();
        last = performance.now();
        done.add(event.payload.origin?.messageId ?? event.aggregateId);
      },
    });
    const worker = await startParserWorker(
      {
        port: 0,
        host: '127.0.0.1',
        // The worker keeps each user's vocabulary there; dropped when the run ends.
        mongoUrl,
        database: benchDatabase,
        kafkaBrokers: envList('KAFKA_BROKERS', ['127.0.0.1:9092']),
        topicPrefix: prefix,
        consumerGroup: 'parser-worker',
      },
      { env: {}, partitionsConsumedConcurrently: concurrency },
    );
    try {
      await waitFor(() => done.size >= workerMessages, {
        timeoutMs: 300_000,
        maxIntervalMs: 200,
        description: 'every message to be parsed',
      });
    } finally {
      await worker.close();
    }
    const perSec = Math.round(workerMessages / ((last - first) / 1000));
    say(
      `worker end to end (one replica, rules, ${concurrency} partition(s) at once): ${workerMessages} messages: ${perSec}/s`,
    );
    return perSec;
  } finally {
    await Promise.allSettled([counter.disconnect(), producer.disconnect()]);
    const own = (await admin.listTopics()).filter((name) => name.startsWith(prefix));
    await admin.deleteTopics({ topics: own }).catch(() => undefined);
    await admin.disconnect();
    const mongo = await MongoClient.connect(mongoUrl);
    await mongo.db(benchDatabase).dropDatabase();
    await mongo.close();
  }
}

const rules = await benchRules();
const workerPerSec = await benchWorker(rules.texts);
say(
  JSON.stringify({
    bench: 'parser',
    rulesPerSec: rules.perSec,
    rulesPerCpuSec: rules.perCpuSec,
    goalPerSec,
    goalRatio: Number((rules.perSec / goalPerSec).toFixed(2)),
    sampleAccuracy: Number(rules.accuracy.toFixed(3)),
    workerPerSec,
    workerRatio: Number((workerPerSec / rules.perSec).toFixed(3)),
  }),
);
process.exit(0);
