import { describe, expect, it } from '@jest/globals';
import { parseLine, runParse } from '../src/cli/parseLines.ts';
import { createExtractor } from '../src/extraction/createExtractor.ts';
import type { ExpenseExtractor } from '../src/extraction/types.ts';
import { rulesExtractor } from '../src/rules/rulesExtractor.ts';
import { runCli } from './cliProcess.ts';
import { sampleNow } from './requests.ts';

async function* linesOf(...lines: string[]): AsyncIterable<string> {
  for (const line of lines) yield await Promise.resolve(line);
}

async function runLines(lines: string[], extractor: ExpenseExtractor = rulesExtractor) {
  const written: string[] = [];
  const summary = await runParse(
    linesOf(...lines),
    (line) => written.push(line),
    extractor,
    () => sampleNow,
  );
  return { summary, outputs: written.map((line) => JSON.parse(line) as unknown) };
}

describe('npm run parse, core', () => {
  it('answers each line in order in the DESIGN.md format', async () => {
    const { summary, outputs } = await runLines([
      '{"text": "Spent $50 on groceries today", "now": "2026-11-24T10:00:00Z", "timezone": "UTC", "currency": "USD"}',
      '{"text": "hello how are you"}',
      '{"text": "lunch €12,90", "timezone": "Europe/Berlin", "currency": "EUR"}',
    ]);
    expect(summary).toEqual({ lines: 3, failed: 0 });
    expect(outputs).toEqual([
      {
        expenses: [
          {
            amountMinor: 5000,
            currency: 'USD',
            category: 'groceries',
            description: 'groceries',
            occurredOn: '2026-11-24',
          },
        ],
      },
      { expenses: [], reason: expect.any(String) },
      {
        expenses: [
          {
            amountMinor: 1290,
            currency: 'EUR',
            category: 'dining',
            description: 'lunch',
            occurredOn: '2026-11-24',
          },
        ],
      },
    ]);
  });

  it('defaults now to the current time, the zone to UTC and the currency to USD', async () => {
    const output = await parseLine(
      '{"text": "coffee 4 today"}',
      rulesExtractor,
      new Date('2026-03-01T23:30:00Z'),
    );
    expect(output).toEqual({
      expenses: [expect.objectContaining({ currency: 'USD', occurredOn: '2026-03-01' })],
    });
  });

  it('answers a bad line with an error and goes on', async () => {
    const { summary, outputs } = await runLines([
      'not json',
      '{"now": "2026-11-24T10:00:00Z"}',
      '{"text": "coffee 4", "now": "yesterday"}',
      `{"text": "${'x'.repeat(501)}"}`,
      '{"text": "  "}',
      '{"text": "coffee 4", "timezone": "Mars/Olympus"}',
      '{"text": "coffee 4", "currency": "ABC"}',
      '{"text": "coffee 4"}',
    ]);
    expect(summary).toEqual({ lines: 8, failed: 7 });
    expect(outputs.map((output) => (output as { error?: { code: string } }).error?.code)).toEqual([
      'INVALID_JSON',
      'INVALID_INPUT',
      'INVALID_INPUT',
      'TEXT_TOO_LONG',
      'EMPTY_TEXT',
      'INVALID_TIMEZONE',
      'INVALID_CURRENCY',
      undefined,
    ]);
    expect(outputs[0]).toEqual({ error: { code: 'INVALID_JSON', message: expect.any(String) } });
  });

  it('skips blank lines: they are not inputs', async () => {
    const { summary, outputs } = await runLines(['', '{"text": "coffee 4"}', '   ']);
    expect(summary).toEqual({ lines: 1, failed: 0 });
    expect(outputs).toHaveLength(1);
  });

  it('reports an extractor that breaks as an internal error on that line only', async () => {
    const broken: ExpenseExtractor = { extract: () => Promise.reject(new Error('boom')) };
    const { summary, outputs } = await runLines(['{"text": "coffee 4"}'], broken);
    expect(summary.failed).toBe(1);
    expect(outputs).toEqual([{ error: { code: 'INTERNAL_ERROR', message: 'boom' } }]);
  });

  it('uses the rules parser while no model is configured', () => {
    expect(createExtractor({})).toBe(rulesExtractor);
  });
});

describe('npm run parse, as a process', () => {
  it('reads stdin, writes one line per input and exits 1 when a line failed', async () => {
    const run = await runCli(
      'parser/src/cli/parse.ts',
      [],
      [
        '{"text": "gas 40 and parking 6", "now": "2026-11-24T10:00:00Z"}',
        'oops',
        '{"text": "Spent 1500 yen on ramen", "now": "2026-11-24T10:00:00Z"}',
      ].join('\n'),
    );
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    expect(lines).toEqual([
      {
        expenses: [
          expect.objectContaining({ amountMinor: 4000, category: 'transport' }),
          expect.objectContaining({ amountMinor: 600, category: 'transport' }),
        ],
      },
      { error: { code: 'INVALID_JSON', message: expect.any(String) } },
      { expenses: [expect.objectContaining({ amountMinor: 1500, currency: 'JPY' })] },
    ]);
    expect(run.code).toBe(1);
  });

  it('exits 0 when every line was answered', async () => {
    const run = await runCli('parser/src/cli/parse.ts', [], '{"text": "hello"}\n');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ expenses: [], reason: expect.any(String) });
  });
});
