import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@cashtrack/test-support';
import { tokenUsageCollection } from '../src/llm/mongoTokenBudget.ts';
import {
  expensesAnswer,
  startFakeOpenAiServer,
  type FakeOpenAiServer,
} from './fakeOpenAiServer.ts';
import {
  expenseRecordedFor,
  startWorkerOnBroker,
  submittedMessage,
  type WorkerOnBroker,
} from './support/workerOnBroker.ts';

/**
 * The worker with a model configured (a local OpenAI-compatible server): tokens recorded on each
 * expense and charged to the user's budget in the parser's database, the rules parser once the
 * budget is spent, without another model call.
 */

let openAi: FakeOpenAiServer;
let broker: WorkerOnBroker;

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
  broker = await startWorkerOnBroker('parser-worker-llm-test', {
    env: {
      OPENAI_API_KEY: 'test-key',
      OPENAI_BASE_URL: openAi.baseUrl,
      OPENAI_MAX_RETRIES: '0',
      PARSER_DAILY_TOKEN_BUDGET: '200',
    },
  });
});

afterAll(async () => {
  await broker?.close();
  await openAi?.close();
});

function submitted(key: string, text: string) {
  return submittedMessage(broker.ns, {
    key,
    text,
    userId: 'ann',
    timezone: 'Europe/Berlin',
    currency: 'EUR',
  });
}

async function recordedFor(messageId: string) {
  return (await expenseRecordedFor(broker, messageId)).payload;
}

describe('parser worker with a model', () => {
  it('records the tokens with each expense, charges the budget and stops calling once it is spent', async () => {
    const first = submitted('m1', 'lunch 12');
    await broker.producer.publish([first]);
    expect(await recordedFor(first.aggregateId)).toMatchObject({
      amountMinor: 1200,
      currency: 'EUR',
      origin: { parser: 'llm', tokensUsed: 120 },
    });

    const second = submitted('m2', 'lunch 12 again');
    await broker.producer.publish([second]);
    expect(await recordedFor(second.aggregateId)).toMatchObject({
      origin: { parser: 'llm', tokensUsed: 120 },
    });
    const usage = await tokenUsageCollection(broker.database.db).findOne({ userId: 'ann' });
    expect(usage?.tokens).toBe(240);

    const third = submitted('m3', 'lunch 12 once more');
    await broker.producer.publish([third]);
    expect(await recordedFor(third.aggregateId)).toMatchObject({
      amountMinor: 1200,
      origin: { parser: 'rules', tokensUsed: 0 },
    });
    expect(openAi.requests).toHaveLength(2);
  });

  it('publishes the first outcome again for a message delivered twice, without asking the model again', async () => {
    const text = 'taxi 12 tip 2 water 3';
    const answer = (descriptions: readonly string[]) =>
      expensesAnswer(
        descriptions.map((description) => ({
          amount: { taxi: '12', tip: '2', water: '3' }[description] ?? '0',
          currency: 'EUR',
          category: 'transport',
          description,
          occurredOn: '2026-11-24',
        })),
      );
    // Asked again, this model would split the same text into three expenses.
    openAi.reply(
      { content: answer(['taxi', 'tip']) },
      { content: answer(['taxi', 'tip', 'water']) },
    );
    const asked = openAi.requests.length;
    const message = submittedMessage(broker.ns, {
      key: 'twice',
      text,
      userId: 'bea',
      timezone: 'Europe/Berlin',
      currency: 'EUR',
    });
    await broker.producer.publish([message]);
    const outcome = () =>
      broker.published.filter(
        (event) =>
          event.type === 'ExpenseRecorded' &&
          event.payload.origin?.messageId === message.aggregateId,
      );
    await waitFor(() => outcome().length === 2, {
      timeoutMs: 30_000,
      description: 'the first outcome',
    });

    // Delivered again (a rebalance, a replay); then a later message of the same person, on the
    // same partition, shows the worker has handled the redelivery.
    await broker.producer.publish([message]);
    const later = submittedMessage(broker.ns, {
      key: 'later',
      text,
      userId: 'bea',
      timezone: 'Europe/Berlin',
      currency: 'EUR',
    });
    await broker.producer.publish([later]);
    const laterExpense = await expenseRecordedFor(broker, later.aggregateId);
    expect(laterExpense.payload.origin?.count).toBe(3);

    const published = outcome();
    expect(published).toHaveLength(4);
    expect(published.slice(2)).toEqual(published.slice(0, 2));
    expect(
      published.map((event) => event.type === 'ExpenseRecorded' && event.payload.description),
    ).toEqual(['taxi', 'tip', 'taxi', 'tip']);
    expect(openAi.requests.length - asked).toBe(2);
  });
});
