import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Consumer } from 'kafkajs';
import { createEventProducer, type EventProducer } from '@cashtrack/events/kafka';
import { decodeEvent, newEvent, topicNames, type CashTrackEvent } from '@cashtrack/events';
import {
  kafkaForTests,
  mongoForTests,
  testNamespace,
  waitFor,
  type TestDatabase,
} from '@cashtrack/test-support';
import { tokenUsageCollection } from '../src/llm/mongoTokenBudget.ts';
import { parserWorkerConfigFromEnv } from '../src/worker/config.ts';
import { startParserWorker, type RunningParserWorker } from '../src/worker/parserWorker.ts';
import {
  expensesAnswer,
  startFakeOpenAiServer,
  type FakeOpenAiServer,
} from './fakeOpenAiServer.ts';

/**
 * The worker with a model configured (a local OpenAI-compatible server): tokens recorded on each
 * expense and charged to the user's budget in the parser's database, the rules parser once the
 * budget is spent, without another model call.
 */

const ns = testNamespace();
const kafka = kafkaForTests('parser-worker-llm-test');
let openAi: FakeOpenAiServer;
let worker: RunningParserWorker;
let producer: EventProducer;
let collector: Consumer;
let database: TestDatabase;
const published: CashTrackEvent[] = [];

beforeAll(async () => {
  openAi = await startFakeOpenAiServer();
  openAi.reply({
    content: expensesAnswer([
      {
        amount: '12',
        currency: 'EUR',
        category: 'dining',
        description: 'lunch',
        occurredOn: '2026-11-24',
      },
    ]),
    totalTokens: 120,
  });
  database = await mongoForTests(ns.database);
  worker = await startParserWorker(
    // Brokers and server from the environment the global setup provided.
    { ...parserWorkerConfigFromEnv(), port: 0, database: ns.database, topicPrefix: ns.topicPrefix },
    {
      env: {
        OPENAI_API_KEY: 'test-key',
        OPENAI_BASE_URL: openAi.baseUrl,
        OPENAI_MAX_RETRIES: '0',
        PARSER_DAILY_TOKEN_BUDGET: '200',
      },
      sessionTimeoutMs: 10_000,
    },
  );
  producer = createEventProducer(kafka, { topicPrefix: ns.topicPrefix });
  await producer.connect();
  collector = kafka.consumer({ groupId: `${ns.topicPrefix}collector`, maxWaitTimeInMs: 200 });
  await collector.connect();
  await collector.subscribe({ topics: [topicNames(ns.topicPrefix).expenses], fromBeginning: true });
  await collector.run({
    eachMessage: async ({ message }) => {
      published.push(decodeEvent(message));
    },
  });
});

afterAll(async () => {
  await worker?.close();
  await Promise.allSettled([collector?.disconnect(), producer?.disconnect(), openAi?.close()]);
  await database?.close();
});

function submitted(id: string, text: string) {
  return newEvent({
    type: 'ExpenseMessageSubmitted',
    userId: 'ann',
    aggregateId: `${ns.topicPrefix}${id}`,
    aggregateVersion: 1,
    correlationId: id,
    now: new Date('2026-11-24T10:00:00Z'),
    payload: { text, timezone: 'Europe/Berlin', currency: 'EUR' },
  });
}

async function recordedFor(messageId: string) {
  const event = await waitFor(
    () =>
      published.find(
        (e) => e.type === 'ExpenseRecorded' && e.payload.origin?.messageId === messageId,
      ),
    { timeoutMs: 30_000, description: `the expense of ${messageId}` },
  );
  return event.type === 'ExpenseRecorded' ? event.payload : undefined;
}

describe('parser worker with a model', () => {
  it('records the tokens with each expense, charges the budget and stops calling once it is spent', async () => {
    const first = submitted('m1', 'lunch 12');
    await producer.publish([first]);
    expect(await recordedFor(first.aggregateId)).toMatchObject({
      amountMinor: 1200,
      currency: 'EUR',
      origin: { parser: 'llm', tokensUsed: 120 },
    });

    const second = submitted('m2', 'lunch 12 again');
    await producer.publish([second]);
    expect(await recordedFor(second.aggregateId)).toMatchObject({
      origin: { parser: 'llm', tokensUsed: 120 },
    });
    const usage = await tokenUsageCollection(database.db).findOne({ userId: 'ann' });
    expect(usage?.tokens).toBe(240);

    const third = submitted('m3', 'lunch 12 once more');
    await producer.publish([third]);
    expect(await recordedFor(third.aggregateId)).toMatchObject({
      amountMinor: 1200,
      origin: { parser: 'rules', tokensUsed: 0 },
    });
    expect(openAi.requests).toHaveLength(2);
  });
});
