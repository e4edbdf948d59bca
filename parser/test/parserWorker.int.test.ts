import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Producer } from 'kafkajs';
import { applyToReadModel, type ReadModelDocument } from '@cashtrack/events/mongo';
import type { CashTrackEvent } from '@cashtrack/events';
import { waitFor } from '@cashtrack/test-support';
import { readDeadLetter } from '../../events/test/deadLetterReader.ts';
import { expenseIdFor } from '../src/worker/deterministicIds.ts';
import {
  startWorkerOnBroker,
  submittedMessage,
  type WorkerOnBroker,
} from './support/workerOnBroker.ts';

/**
 * The worker end to end on the real broker: messages in on `expense-messages`, outcome events
 * out on `expenses` (read with a bare kafkajs consumer), redelivery, poison messages, health.
 * The worker runs the rules parser (no OPENAI_API_KEY), so the answers are deterministic.
 */

let broker: WorkerOnBroker;
let rawProducer: Producer;

beforeAll(async () => {
  broker = await startWorkerOnBroker('parser-worker-test', {
    retry: { maxAttempts: 2, initialDelayMs: 50, maxDelayMs: 100 },
  });
  rawProducer = broker.kafka.producer();
  await rawProducer.connect();
});

afterAll(async () => {
  await rawProducer?.disconnect();
  await broker?.close();
});

let sequence = 0;
function submitted(text: string, userId = 'user-1') {
  sequence += 1;
  // The user's day is the 24th in Berlin; "yesterday" is the 23rd.
  return submittedMessage(broker.ns, {
    key: String(sequence),
    text,
    userId,
    timezone: 'Europe/Berlin',
    currency: 'EUR',
  });
}

function eventsOf(messageId: string): CashTrackEvent[] {
  return broker.published.filter((event) =>
    event.type === 'ExpenseRecorded'
      ? event.payload.origin?.messageId === messageId
      : event.aggregateId === messageId,
  );
}

function waitForEvents(messageId: string, count: number): Promise<CashTrackEvent[]> {
  return waitFor(() => eventsOf(messageId).length >= count && eventsOf(messageId), {
    timeoutMs: 30_000,
    description: `${count} events of ${messageId}`,
  });
}

describe('parser worker', () => {
  it('publishes one ExpenseRecorded per expense, for the user and day of the message', async () => {
    const message = submitted('uber 23.40 yesterday + coffee 4');
    await broker.producer.publish([message]);
    const events = await waitForEvents(message.aggregateId, 2);
    expect(events).toHaveLength(2);
    events.forEach((event, position) => {
      expect(event).toMatchObject({
        type: 'ExpenseRecorded',
        userId: 'user-1',
        aggregateId: expenseIdFor(message.aggregateId, position),
        aggregateVersion: 1,
        correlationId: message.correlationId,
        causationId: message.eventId,
        payload: {
          source: 'MESSAGE',
          origin: {
            messageId: message.aggregateId,
            position,
            count: 2,
            parser: 'rules',
            tokensUsed: 0,
          },
        },
      });
    });
    expect(events.map((e) => (e.type === 'ExpenseRecorded' ? e.payload : undefined))).toEqual([
      expect.objectContaining({ amountMinor: 2340, currency: 'EUR', occurredOn: '2026-11-23' }),
      expect.objectContaining({ amountMinor: 400, currency: 'EUR', occurredOn: '2026-11-24' }),
    ]);
  });

  it('rejects a message with no expense, with a reason a person understands', async () => {
    const message = submitted('how are you today?');
    await broker.producer.publish([message]);
    const [event] = await waitForEvents(message.aggregateId, 1);
    expect(event).toMatchObject({
      type: 'ExpenseMessageRejected',
      aggregateId: message.aggregateId,
      aggregateVersion: 2,
      causationId: message.eventId,
      payload: { parser: 'rules', tokensUsed: 0 },
    });
    expect(event?.type === 'ExpenseMessageRejected' && event.payload.reason).toMatch(/amount/);
  });

  it('rejects a message the parser refuses before parsing, as parser "none"', async () => {
    const message = submitted('   ');
    await broker.producer.publish([message]);
    const [event] = await waitForEvents(message.aggregateId, 1);
    expect(event).toMatchObject({
      type: 'ExpenseMessageRejected',
      payload: { reason: 'The message is empty', parser: 'none', tokensUsed: 0 },
    });
  });

  it('republishes the same ids on redelivery, so the projection records each expense once', async () => {
    const message = submitted('groceries 52.10 and parking 6', 'user-2');
    await broker.producer.publish([message]);
    await broker.producer.publish([message]);
    const events = await waitForEvents(message.aggregateId, 4);
    const ids = events.map((event) => `${event.eventId}/${event.aggregateId}`);
    expect(ids.slice(2)).toEqual(ids.slice(0, 2));
    expect(new Set(ids).size).toBe(2);

    const expenses =
      broker.database.db.collection<ReadModelDocument<{ amountMinor: number }>>('expenses');
    const outcomes = [];
    for (const event of events) {
      if (event.type !== 'ExpenseRecorded') continue;
      const result = await applyToReadModel(expenses, event, (_state, recorded) => ({
        amountMinor: recorded.payload.amountMinor,
      }));
      outcomes.push(result.outcome);
    }
    expect(outcomes).toEqual(['applied', 'applied', 'duplicate', 'duplicate']);
    expect(await expenses.countDocuments()).toBe(2);
  });

  it('parks a poison message in the DLQ and goes on with the next one', async () => {
    await rawProducer.send({
      topic: broker.topics.expenseMessages,
      messages: [{ key: 'user-3', value: Buffer.from([0xff, 0x00, 0x13, 0x37]) }],
    });
    const next = submitted('taxi 18', 'user-3');
    await broker.producer.publish([next]);
    const letter = await waitFor(() => broker.deadLetters[0], {
      timeoutMs: 30_000,
      description: 'a dead letter',
    });
    expect(readDeadLetter(letter)).toMatchObject({
      sourceTopic: broker.topics.expenseMessages,
      consumerGroup: `${broker.ns.topicPrefix}parser-worker`,
      attempts: 0,
    });
    expect(letter.value).toEqual(Buffer.from([0xff, 0x00, 0x13, 0x37]));
    const [event] = await waitForEvents(next.aggregateId, 1);
    expect(event).toMatchObject({ type: 'ExpenseRecorded', payload: { amountMinor: 1800 } });
  });

  it('answers health and readiness with their status alone, and the counts on /metrics', async () => {
    const health = await fetch(`${broker.worker.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${broker.worker.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    // The test runs on the worker's host, so /metrics answers it.
    const metrics = await fetch(`${broker.worker.url}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toContain('kafka_consumer_running{group="parser-worker"} 1');
    expect(text).toMatch(
      /kafka_consumer_events_dead_lettered_total\{group="parser-worker",topic="[^"]*cashtrack\.expense-messages"\} 1\n/,
    );
    expect(text).toMatch(
      /^kafka_consumer_events_handled_total\{group="parser-worker",topic="[^"]+"\} \d+$/m,
    );
    expect(text).toMatch(
      /^kafka_consumer_lag\{group="parser-worker",topic="[^"]+",partition="\d+"\} \d+$/m,
    );
    expect((await fetch(`${broker.worker.url}/nothing`)).status).toBe(404);
  });
});
