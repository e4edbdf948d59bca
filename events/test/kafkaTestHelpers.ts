import type { Kafka, KafkaMessage } from 'kafkajs';
import { waitFor } from '@cashtrack/test-support';
import type { CashTrackEvent } from '../src/index.ts';
import type { EventProducer } from '../src/kafka/index.ts';
import { expenseAmountChanged, manualExpense } from './sampleEvents.ts';

/** Reads `count` messages of `topic` from the beginning with a throw-away group. */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  count: number,
  groupId: string,
): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 6_000,
    heartbeatInterval: 500,
    // Short fetch waits, or disconnect waits out a 5 s empty fetch.
    maxWaitTimeInMs: 200,
  });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        messages.push(message);
        return Promise.resolve();
      },
    });
    await waitFor(() => messages.length >= count, {
      timeoutMs: 30_000,
      description: `${count} messages on ${topic}`,
    });
    return messages;
  } finally {
    await consumer.disconnect();
  }
}

/**
 * `expenses` expenses of `users` users, each recorded then updated twice: event n of an expense
 * sets amountMinor to 100 * expense + n, so the final amount says the last update was applied.
 */
export function expenseHistories(expenses: number, users = 20): CashTrackEvent[] {
  const events: CashTrackEvent[] = [];
  for (let version = 1; version <= 3; version += 1) {
    for (let index = 0; index < expenses; index += 1) {
      const userId = `user-${index % users}`;
      const expenseId = `expense-${index}`;
      const amount = 100 * (index + 1) + version;
      events.push(
        version === 1
          ? manualExpense(userId, expenseId, amount)
          : expenseAmountChanged(userId, expenseId, version, amount),
      );
    }
  }
  return events;
}

export async function publishInChunks(
  producer: EventProducer,
  events: readonly CashTrackEvent[],
  size = 100,
): Promise<void> {
  for (let start = 0; start < events.length; start += size) {
    await producer.publish(events.slice(start, start + size));
  }
}
