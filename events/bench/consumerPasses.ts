import type { Kafka } from 'kafkajs';
import { waitFor, type Logger } from '@cashtrack/platform';
import { createEventProducer, runEventConsumer } from '../src/kafka/index.ts';
import type { CashTrackEvent } from '../src/index.ts';
import { benchExpenseEvents } from './benchEvents.ts';

/** What the event benches time one consumer's passes over: one topic of `total` events. */
export interface PassTarget {
  readonly kafka: Kafka;
  readonly topic: string;
  /** Topic and group prefix of this bench's run; group names are made unique by `run`. */
  readonly prefix: string;
  readonly total: number;
  /** Partitions handled at once, the same for every consumer. */
  readonly concurrency: number;
  readonly logger: Logger;
}

/** One consumer's pass over the topic. */
export interface Pass {
  readonly perSec: number;
  /** Microseconds of this process's CPU (user and system) per message. */
  readonly cpuMicros: number;
}

export function roundTo2(value: number): number {
  return Math.round(value * 100) / 100;
}

function perSecond(count: number, ms: number): number {
  return Math.round((count / ms) * 1_000);
}

const chunk = 1_000;

/**
 * Publishes `total` ExpenseRecorded events of `users` people to `target`'s prefix through the
 * event producer; resolves with the rate. Built here, so the events are garbage by the time the
 * consumers' passes are timed.
 */
export async function produceBenchEvents(
  target: Pick<PassTarget, 'kafka' | 'prefix' | 'total'>,
  users: number,
  progress: (produced: number) => void = () => undefined,
): Promise<number> {
  const events: readonly CashTrackEvent[] = benchExpenseEvents(target.total, users);
  const producer = createEventProducer(target.kafka, { topicPrefix: target.prefix });
  await producer.connect();
  const started = performance.now();
  for (let start = 0; start < events.length; start += chunk) {
    await producer.publish(events.slice(start, start + chunk));
    if ((start / chunk) % 20 === 19) progress(start + chunk);
  }
  const elapsed = performance.now() - started;
  await producer.disconnect();
  return perSecond(events.length, elapsed);
}

/** Counts messages from the first to the `total`-th: their rate and the CPU spent per message. */
async function timeUntilAll(
  total: number,
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
  return { perSec: perSecond(total, last - first), cpuMicros: roundTo2(cpuMicros) };
}

/** The runner with a handler per event, or (`batches`) a batch handler per fetched batch. */
export async function runnerPass(target: PassTarget, run: string, batches: boolean): Promise<Pass> {
  return timeUntilAll(target.total, async (onMessages) => {
    const settings = {
      kafka: target.kafka,
      groupId: `${target.prefix}runner-${batches ? 'batches' : 'events'}-${run}`,
      topics: [target.topic],
      partitionsConsumedConcurrently: target.concurrency,
      logger: target.logger,
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
export async function barePass(target: PassTarget, run: string, parse: boolean): Promise<Pass> {
  return timeUntilAll(target.total, async (onMessages) => {
    const consumer = target.kafka.consumer({
      groupId: `${target.prefix}bare-${parse ? 'json' : 'count'}-${run}`,
      maxWaitTimeInMs: 1_000,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: target.topic, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: target.concurrency,
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
