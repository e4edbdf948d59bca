/**
 * One observability setting's side of bench:observability's event comparison: a child process
 * (forked with an IPC channel) whose environment is the setting (METRICS_ENABLED, OTEL_*).
 *
 * Without BENCH_EVENTS_TOPIC_PREFIX it produces BENCH_EVENTS events with that setting's tracing
 * (so at 10% one message in ten carries a sampled traceparent), says `produced` with its topic
 * prefix, and waits to be stopped, when it deletes its topics. With it, it runs one unmeasured
 * pass of each consumer over that prefix's topic, says `ready`, then times one pass per request
 * of its parent: the event runner (a handler per event, as bench:events times it) or the bare
 * kafkajs consumer that JSON-parses each value. The parent starts a fresh one of these per
 * setting and round, so that no process's own luck (its JIT's history) is any setting's for the
 * whole run.
 */
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import { createLogger, envInt, envList } from '@cashtrack/platform';
import { createMetricsRegistry } from '@cashtrack/platform/metrics';
import { startTracing, type Tracing } from '@cashtrack/platform/tracing';
import { topicNames } from '../src/index.ts';
import { ensureTopics } from '../src/kafka/index.ts';
import {
  barePass,
  produceBenchEvents,
  roundTo2,
  runnerPass,
  type PassTarget,
} from './consumerPasses.ts';
import {
  ChannelMessages,
  workerRequest,
  type WorkerReply,
  type WorkerRequest,
} from './eventsSettingProtocol.ts';

function reply(message: WorkerReply): void {
  process.send?.(message);
}

/** Young-generation collections so far, shown beside each pass (tracing's garbage is young). */
const scavenges = { count: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    // A gc entry's detail (Node 16+), which this version of @types/node does not declare.
    const { detail } = entry as PerformanceEntry & { readonly detail?: { readonly kind: number } };
    if (detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges.count += 1;
  }
}).observe({ entryTypes: ['gc'] });

async function main(): Promise<void> {
  const kafka = new Kafka({
    clientId: 'events-setting-worker',
    brokers: envList('KAFKA_BROKERS', ['127.0.0.1:9092']),
    logLevel: logLevel.ERROR,
  });
  const givenPrefix = process.env.BENCH_EVENTS_TOPIC_PREFIX;
  const prefix = givenPrefix ?? `bench-${Date.now().toString(36)}-${process.pid}-`;
  const target: PassTarget = {
    kafka,
    topic: topicNames(prefix).expenses,
    prefix,
    total: envInt('BENCH_EVENTS', 50_000),
    concurrency: envInt('BENCH_PARTITIONS_CONCURRENTLY', 1),
    logger: createLogger('events-bench', 'stderr'),
  };
  // As a service process has them: metrics unless METRICS_ENABLED=0 (the registry then holds the
  // process's event-loop and GC observers, the one cost they add while nobody scrapes; a
  // consumer's own figures are read from its statistics at a scrape), tracing only when
  // OTEL_EXPORTER_OTLP_ENDPOINT is set.
  createMetricsRegistry();
  const tracing = startTracing('events-bench');
  try {
    if (givenPrefix === undefined) await produceThenWait(target, tracing);
    else await timePasses(target);
  } finally {
    await tracing.shutdown();
  }
}

async function produceThenWait(target: PassTarget, tracing: Tracing): Promise<void> {
  const admin = target.kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, { prefix: target.prefix });
    const producedPerSec = await produceBenchEvents(target, 1_000);
    // The producer's publish spans leave now, not while another process is timed.
    await tracing.flush();
    reply({ kind: 'produced', topicPrefix: target.prefix, producedPerSec });
    for await (const request of requests()) {
      if (request.kind === 'stop') break;
    }
  } finally {
    const own = (await admin.listTopics()).filter((name) => name.startsWith(target.prefix));
    await admin.deleteTopics({ topics: own }).catch(() => undefined);
    await admin.disconnect();
  }
}

async function timePasses(target: PassTarget): Promise<void> {
  // Groups named after this process: each round's process reads the topic from its start.
  const warmUp = `warm-up-${process.pid}`;
  await runnerPass(target, warmUp, false);
  await barePass(target, warmUp, true);
  reply({ kind: 'ready' });
  for await (const request of requests()) {
    if (request.kind === 'stop') break;
    const scavengesBefore = scavenges.count;
    const pass =
      request.consumer === 'runner'
        ? await runnerPass(target, request.run, false)
        : await barePass(target, request.run, true);
    // The observer hears of collections a turn later.
    await new Promise((resolve) => setImmediate(resolve));
    reply({
      kind: 'pass',
      ...pass,
      scavengesPerThousand: roundTo2(((scavenges.count - scavengesBefore) * 1_000) / target.total),
    });
  }
}

/** The parent's requests, one at a time; ends when the channel closes. */
async function* requests(): AsyncGenerator<WorkerRequest> {
  const messages = new ChannelMessages<WorkerRequest>();
  process.on('message', (message: unknown) => messages.push(workerRequest.parse(message)));
  process.on('disconnect', () => messages.end());
  for (let request = await messages.next(); request !== undefined; request = await messages.next())
    yield request;
}

await main();
process.disconnect?.();
