/**
 * One observability setting's side of bench:observability's event comparison: a child process
 * (forked with an IPC channel) whose environment is the setting (METRICS_ENABLED, OTEL_*). It
 * produces BENCH_EVENTS events with that setting's tracing (so at 10% one message in ten carries
 * a sampled traceparent), runs one unmeasured pass of each consumer, says `ready`, then times
 * one pass per request of its parent: the event runner (a handler per event, as bench:events
 * times it) or the bare kafkajs consumer that JSON-parses each value. The parent alternates the
 * settings' passes, so that each setting's rate is compared with `off`'s of the same minute.
 */
import { Kafka, logLevel } from 'kafkajs';
import { createLogger, envInt, envList } from '@cashtrack/platform';
import { startTracing } from '@cashtrack/platform/tracing';
import { topicNames } from '../src/index.ts';
import { ensureTopics } from '../src/kafka/index.ts';
import { barePass, produceBenchEvents, runnerPass, type PassTarget } from './consumerPasses.ts';
import { workerRequest, type WorkerReply, type WorkerRequest } from './eventsSettingProtocol.ts';

function reply(message: WorkerReply): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const kafka = new Kafka({
    clientId: 'events-setting-worker',
    brokers: envList('KAFKA_BROKERS', ['127.0.0.1:9092']),
    logLevel: logLevel.ERROR,
  });
  const prefix = `bench-${Date.now().toString(36)}-${process.pid}-`;
  const target: PassTarget = {
    kafka,
    topic: topicNames(prefix).expenses,
    prefix,
    total: envInt('BENCH_EVENTS', 50_000),
    concurrency: envInt('BENCH_PARTITIONS_CONCURRENTLY', 1),
    logger: createLogger('events-bench', 'stderr'),
  };
  // As a service process has it: on only when OTEL_EXPORTER_OTLP_ENDPOINT is set.
  const tracing = startTracing('events-bench');
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, { prefix });
    const producedPerSec = await produceBenchEvents(target, 1_000);
    // The producer's publish spans leave now, not during the first timed pass.
    await tracing.flush();
    await runnerPass(target, 'warm-up', false);
    await barePass(target, 'warm-up', true);
    reply({ kind: 'ready', producedPerSec });
    for await (const request of requests()) {
      if (request.kind === 'stop') break;
      const pass =
        request.consumer === 'runner'
          ? await runnerPass(target, request.run, false)
          : await barePass(target, request.run, true);
      reply({ kind: 'pass', ...pass });
    }
  } finally {
    const own = (await admin.listTopics()).filter((name) => name.startsWith(prefix));
    await admin.deleteTopics({ topics: own }).catch(() => undefined);
    await admin.disconnect();
    await tracing.shutdown();
  }
}

/** The parent's requests, one at a time; ends when the channel closes. */
async function* requests(): AsyncGenerator<WorkerRequest> {
  const queued: WorkerRequest[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  process.on('message', (message: unknown) => {
    queued.push(workerRequest.parse(message));
    wake?.();
  });
  process.on('disconnect', () => {
    closed = true;
    wake?.();
  });
  for (;;) {
    const next = queued.shift();
    if (next !== undefined) {
      yield next;
      continue;
    }
    if (closed) return;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
    wake = undefined;
  }
}

await main();
process.disconnect?.();
