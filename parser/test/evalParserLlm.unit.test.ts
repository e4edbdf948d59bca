import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { formatMinor } from '@cashtrack/events';
import { evaluate } from '../src/evaluation/evaluate.ts';
import { readSamples, type Sample } from '../src/evaluation/samples.ts';
import { createExtractor } from '../src/extraction/createExtractor.ts';
import { memoryTokenBudget } from '../src/llm/memoryTokenBudget.ts';
import { repoRoot, runCli } from './cliProcess.ts';
import {
  expensesAnswer,
  startFakeOpenAiServer,
  type FakeOpenAiServer,
  type FakeReply,
} from './fakeOpenAiServer.ts';

/**
 * With a model configured, `eval:parser` scores the LLM path on the same labelled messages. The
 * "model" is the local OpenAI-compatible server answering from the labels, except for messages
 * with a pizza, where it answers nonsense: those must fall back to the rules and say so.
 */

const fixtures = path.join(repoRoot, 'parser', 'test', 'fixtures');
const everyday = path.join(fixtures, 'everyday-messages.jsonl');
const publicSamples = path.join(fixtures, 'parser-samples.jsonl');

let server: FakeOpenAiServer;
let samples: Sample[];

/** The text the extractor sent, read back from the user message the prompt wraps it in. */
function messageText(body: Record<string, unknown>): string {
  const messages = body.messages as { role: string; content: string }[];
  const user = messages.find((message) => message.role === 'user')?.content ?? '';
  return JSON.parse(user.replace(/^<message>/, '').replace(/<\/message>$/, '')) as string;
}

function labelledAnswer(body: Record<string, unknown>): FakeReply {
  const text = messageText(body);
  if (text.includes('🍕')) return { content: 'not json at all' };
  const sample = samples.find((candidate) => candidate.input.text === text);
  const expenses = (sample?.expected.expenses ?? []).map((expense) => ({
    amount: formatMinor(expense.amountMinor, expense.currency),
    currency: expense.currency,
    category: expense.category,
    description: text,
    occurredOn: expense.occurredOn,
  }));
  return { content: expensesAnswer(expenses), totalTokens: 200 };
}

function modelEnv(): Record<string, string> {
  return {
    OPENAI_API_KEY: 'test-key',
    OPENAI_BASE_URL: server.baseUrl,
    OPENAI_MODEL: 'fake-model',
    OPENAI_TIMEOUT_MS: '5000',
    OPENAI_MAX_RETRIES: '0',
  };
}

beforeAll(async () => {
  server = await startFakeOpenAiServer();
  samples = [...(await readSamples(everyday)), ...(await readSamples(publicSamples))];
  server.answerWith(labelledAnswer);
});
afterAll(async () => {
  await server.close();
});

describe('parser evaluation with a model configured', () => {
  it('scores the LLM path and counts the messages that fell back to the rules', async () => {
    const extractor = createExtractor(modelEnv(), { budget: () => memoryTokenBudget(1_000_000) });
    const report = await evaluate(await readSamples(everyday), extractor);
    const pizzas = samples.filter((sample) => sample.input.text.includes('🍕')).length;
    expect(report.answeredBy).toEqual({ llm: report.messages.total - pizzas, rules: pizzas });
    expect(report.messages.accuracy).toBe(1);
    expect(report.dropped).toBe(0);
  });

  it('is what `npm run eval:parser` runs when OPENAI_API_KEY is set', async () => {
    const run = await runCli('parser/src/cli/evalParser.ts', [publicSamples], '', modelEnv());
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(JSON.parse(lines[lines.length - 1] ?? '')).toMatchObject({
      parsers: ['llm'],
      answeredBy: { llm: 30 },
      messageAccuracy: 1,
    });
  });
});
