/**
 * `npx tsx events/bench/deliveryCoreBench.ts`: the delivery core's own cost per event, without a
 * broker: fetched batches of encoded ExpenseRecorded messages (Buffers, as kafkajs hands them)
 * handed to the core directly, beside what a bare consumer does with the same messages (read
 * the value as text and JSON-parse it) and the codec alone. It isolates what `bench:events`
 * cannot: the broker's fetches and kafkajs's own work are the same for both consumers there and
 * only blur the difference. The `…Unsampled` cases run the core with tracing on and every message
 * carrying a traceparent its sampler left out (nine in ten at 10% sampling), which should cost
 * next to nothing over tracing off. The `…TenthSampled` cases send one message in ten sampled,
 * the rest left out, as at 10% sampling: what they cost over `…Unsampled`, times ten, is what a
 * sampled message's spans cost the core. The `…SyncHandler` cases hand each event to a handler
 * that returns no promise (a counter, a cache update), which the core need not wait for. Best of
 * BENCH_ROUNDS rounds (default 5); the last line is JSON.
 */
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { envInt } from '@cashtrack/platform';
import { startTracing } from '@cashtrack/platform/tracing';
import { decodeEvent, encodeEvent } from '../src/index.ts';
import {
  createDeliveryCore,
  type DeliveryTracing,
  type PartitionBatch,
} from '../src/delivery/deliveryCore.ts';
import { consumeSpans } from '../src/kafka/eventConsumer.ts';
import type { EventHandling } from '../src/delivery/eventHandling.ts';
import type { SourceMessage } from '../src/deadLetter.ts';
import { benchExpenseEvents } from './benchEvents.ts';

const total = envInt('BENCH_EVENTS', 100_000);
const rounds = envInt('BENCH_ROUNDS', 5);
/** Messages per fetched batch, about what kafkajs hands over from a 1 MB fetch of these events. */
const batchSize = 500;
const topic = 'bench.expenses';

/** A traceparent whose sampled flag is off, as a producer at a low sampling ratio mostly sends. */
const unsampledTraceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';

/** One message in ten sampled, each in a trace of its own, as a producer at 10% sends them. */
function tenthSampled(index: number): string {
  const flags = index % 10 === 0 ? '01' : '00';
  return `00-${(index + 1).toString(16).padStart(32, '0')}-b7ad6b7169203331-${flags}`;
}

function makeMessages(traceparentOf?: (index: number) => string): SourceMessage[] {
  return benchExpenseEvents(total, 1_000).map((event, index) => {
    const encoded = encodeEvent(event);
    const traceparent = traceparentOf?.(index);
    return {
      key: Buffer.from(encoded.key),
      value: Buffer.from(encoded.value),
      offset: String(index),
      headers: Object.fromEntries(
        Object.entries(
          traceparent === undefined ? encoded.headers : { ...encoded.headers, traceparent },
        ).map(([name, value]) => [name, Buffer.from(value)]),
      ),
    };
  });
}

function batchesOf(messages: readonly SourceMessage[]): PartitionBatch[] {
  const batches: PartitionBatch[] = [];
  for (let start = 0; start < messages.length; start += batchSize) {
    batches.push({
      topic,
      partition: 0,
      messages: messages.slice(start, start + batchSize),
      highWatermark: String(messages.length),
      heartbeat: () => Promise.resolve(),
      isStale: () => false,
      commitUpTo: () => undefined,
    });
  }
  return batches;
}

/** Microseconds of CPU (user and system) per event that `work` spends on `total` events. */
async function cpuPerEvent(work: () => Promise<void> | void): Promise<number> {
  const before = process.cpuUsage();
  await work();
  const spent = process.cpuUsage(before);
  return (spent.user + spent.system) / total;
}

async function throughCore(
  batches: readonly PartitionBatch[],
  handling: EventHandling,
  tracing?: DeliveryTracing,
) {
  const core = createDeliveryCore({
    handling,
    tracing,
    groupId: 'bench',
    deadLetters: () => Promise.reject(new Error('no event of the bench is dead-lettered')),
    heartbeatEveryMs: 1_000,
    onFatal: (error) => {
      throw error;
    },
  });
  for (const batch of batches) await core.deliver(batch);
  if (core.stats().processed !== total) throw new Error('the core handled fewer events than sent');
}

async function main(): Promise<void> {
  const messages = makeMessages();
  const batches = batchesOf(messages);
  const unsampledBatches = batchesOf(makeMessages(() => unsampledTraceparent));
  const tenthSampledBatches = batchesOf(makeMessages(tenthSampled));
  // On for the `…Unsampled` and `…TenthSampled` cases only: the others are given no tracing port,
  // as with it off. Spans are kept in memory and dropped after each case: an OTLP exporter's
  // encoding (about 3 µs a span when profiled) is not counted here.
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing('delivery-core-bench', {
    exporter,
    env: { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' },
  });
  const spans = consumeSpans('bench');
  let handled = 0;
  const handleOne = () => {
    handled += 1;
    return Promise.resolve();
  };
  const handleOneSynchronously = () => {
    handled += 1;
  };
  const cases: Record<string, () => Promise<void> | void> = {
    bareJsonParse: () => {
      for (const message of messages) JSON.parse(message.value!.toString('utf8'));
    },
    decodeEvent: () => {
      for (const message of messages) decodeEvent(message);
    },
    coreOneByOne: () => throughCore(batches, { handle: handleOne }),
    coreOneByOneSyncHandler: () => throughCore(batches, { handle: handleOneSynchronously }),
    coreInBatches: () => throughCore(batches, { handleBatch }),
    coreOneByOneUnsampled: () => throughCore(unsampledBatches, { handle: handleOne }, spans),
    coreOneByOneSyncHandlerUnsampled: () =>
      throughCore(unsampledBatches, { handle: handleOneSynchronously }, spans),
    coreInBatchesUnsampled: () => throughCore(unsampledBatches, { handleBatch }, spans),
    coreOneByOneTenthSampled: () => throughCore(tenthSampledBatches, { handle: handleOne }, spans),
    coreInBatchesTenthSampled: () => throughCore(tenthSampledBatches, { handleBatch }, spans),
  };
  function handleBatch(events: readonly unknown[]): Promise<void> {
    handled += events.length;
    return Promise.resolve();
  }
  const best: Record<string, number> = {};
  for (let round = 1; round <= rounds; round += 1) {
    for (const [name, work] of Object.entries(cases)) {
      const micros = await cpuPerEvent(async () => {
        await work();
        // The sampled spans' processing (batching, handing to the exporter) counts.
        await tracing.flush();
      });
      exporter.reset();
      best[name] = Math.min(best[name] ?? Number.POSITIVE_INFINITY, micros);
    }
  }
  const figures = Object.fromEntries(
    Object.entries(best).map(([name, micros]) => [name, Math.round(micros * 100) / 100]),
  );
  await tracing.shutdown();
  for (const [name, micros] of Object.entries(figures)) {
    process.stdout.write(`${name.padEnd(26)} ${micros} µs CPU per event\n`);
  }
  process.stdout.write(
    `${JSON.stringify({ bench: 'deliveryCore', events: total, handled, microsPerEvent: figures })}\n`,
  );
}

await main();
