/**
 * `npx tsx events/bench/deliveryCoreBench.ts`: the delivery core's own cost per event, without a
 * broker: fetched batches of encoded ExpenseRecorded messages (Buffers, as kafkajs hands them)
 * handed to the core directly, beside what a bare consumer does with the same messages (read
 * the value as text and JSON-parse it) and the codec alone. It isolates what `bench:events`
 * cannot: the broker's fetches and kafkajs's own work are the same for both consumers there and
 * only blur the difference. Best of BENCH_ROUNDS rounds (default 5); the last line is JSON.
 */
import { randomUUID } from 'node:crypto';
import { envInt } from '@cashtrack/platform';
import { decodeEvent, encodeEvent, newEvent } from '../src/index.ts';
import { createDeliveryCore, type PartitionBatch } from '../src/delivery/deliveryCore.ts';
import type { EventHandling } from '../src/delivery/eventHandling.ts';
import type { SourceMessage } from '../src/deadLetter.ts';

const total = envInt('BENCH_EVENTS', 100_000);
const rounds = envInt('BENCH_ROUNDS', 5);
/** Messages per fetched batch, about what kafkajs hands over from a 1 MB fetch of these events. */
const batchSize = 500;
const topic = 'bench.expenses';

function makeMessages(): SourceMessage[] {
  const now = new Date('2026-11-24T10:00:00Z');
  return Array.from({ length: total }, (_, index) => {
    const encoded = encodeEvent(
      newEvent({
        type: 'ExpenseRecorded',
        userId: `bench-user-${index % 1_000}`,
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
    return {
      key: Buffer.from(encoded.key),
      value: Buffer.from(encoded.value),
      offset: String(index),
      headers: Object.fromEntries(
        Object.entries(encoded.headers).map(([name, value]) => [name, Buffer.from(value)]),
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

async function throughCore(batches: readonly PartitionBatch[], handling: EventHandling) {
  const core = createDeliveryCore({
    handling,
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
  let handled = 0;
  const cases: Record<string, () => Promise<void> | void> = {
    bareJsonParse: () => {
      for (const message of messages) JSON.parse(message.value!.toString('utf8'));
    },
    decodeEvent: () => {
      for (const message of messages) decodeEvent(message);
    },
    coreOneByOne: () =>
      throughCore(batches, {
        handle: () => {
          handled += 1;
          return Promise.resolve();
        },
      }),
    coreInBatches: () =>
      throughCore(batches, {
        handleBatch: (events) => {
          handled += events.length;
          return Promise.resolve();
        },
      }),
  };
  const best: Record<string, number> = {};
  for (let round = 1; round <= rounds; round += 1) {
    for (const [name, work] of Object.entries(cases)) {
      const micros = await cpuPerEvent(work);
      best[name] = Math.min(best[name] ?? Number.POSITIVE_INFINITY, micros);
    }
  }
  const figures = Object.fromEntries(
    Object.entries(best).map(([name, micros]) => [name, Math.round(micros * 100) / 100]),
  );
  for (const [name, micros] of Object.entries(figures)) {
    process.stdout.write(`${name.padEnd(16)} ${micros} µs CPU per event\n`);
  }
  process.stdout.write(
    `${JSON.stringify({ bench: 'deliveryCore', events: total, handled, microsPerEvent: figures })}\n`,
  );
}

await main();
