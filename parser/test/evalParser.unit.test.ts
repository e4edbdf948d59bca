import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { ExpenseExtractor, ExtractedExpense } from '../src/extraction/types.ts';
import { evaluate } from '../src/evaluation/evaluate.ts';
import { formatReport } from '../src/evaluation/formatReport.ts';
import { parseSamples, type Sample } from '../src/evaluation/samples.ts';
import { rulesExtractor } from '../src/rules/rulesExtractor.ts';
import { repoRoot, runCli } from './cliProcess.ts';

const now = '2026-11-24T10:00:00Z';

function sample(text: string, expenses: Sample['expected']['expenses']): Sample {
  return { input: { text, now }, expected: { expenses } };
}

const coffee = {
  amountMinor: 400,
  currency: 'USD',
  category: 'dining',
  occurredOn: '2026-11-24',
} as const;
const taxi = {
  amountMinor: 1200,
  currency: 'USD',
  category: 'transport',
  occurredOn: '2026-11-24',
} as const;

/** Answers from a fixed table, so the scoring itself is what is tested. */
function scripted(
  answers: Record<
    string,
    readonly Omit<ExtractedExpense, 'description' | 'parsedBy' | 'guessed'>[]
  >,
): ExpenseExtractor {
  return {
    extract: (request) =>
      Promise.resolve({
        expenses: (answers[request.text] ?? []).map((e) => ({
          ...e,
          description: 'x',
          parsedBy: 'rules' as const,
          guessed: false,
        })),
        parser: 'rules',
        tokensUsed: 0,
      }),
  };
}

describe('parser evaluation', () => {
  it('scores fields by position, counting missing and extra expenses against every field', async () => {
    const samples = [
      sample('right', [coffee]),
      sample('wrong category', [coffee]),
      sample('one missing', [coffee, taxi]),
      sample('one extra', []),
    ];
    const report = await evaluate(
      samples,
      scripted({
        right: [coffee],
        'wrong category': [{ ...coffee, category: 'groceries' }],
        'one missing': [coffee],
        'one extra': [taxi],
      }),
    );
    expect(report.messages).toEqual({ correct: 1, total: 4, accuracy: 0.25 });
    expect(report.count).toEqual({ correct: 2, total: 4, accuracy: 0.5 });
    // positions: 1 + 1 + 2 + 1 = 5
    expect(report.fields.amountMinor).toEqual({ correct: 3, total: 5, accuracy: 0.6 });
    expect(report.fields.category).toEqual({ correct: 2, total: 5, accuracy: 0.4 });
    expect(report.failures.map((f) => [f.text, f.wrongFields])).toEqual([
      ['wrong category', ['category']],
      ['one missing', ['count', 'amountMinor', 'currency', 'category', 'occurredOn']],
      ['one extra', ['count', 'amountMinor', 'currency', 'category', 'occurredOn']],
    ]);
  });

  it('counts a refused message as a failure with its error', async () => {
    const report = await evaluate([sample('x'.repeat(501), [])], rulesExtractor);
    expect(report.failures[0]?.error?.code).toBe('TEXT_TOO_LONG');
    expect(report.count.correct).toBe(0);
  });

  it('prints per-field and per-message accuracy, the failures, and the figures as the last line', async () => {
    const report = await evaluate(
      [sample('coffee 4', [coffee]), sample('taxi 9', [taxi])],
      rulesExtractor,
    );
    const lines = formatReport(report, 'samples.jsonl');
    expect(lines.join('\n')).toMatch(/amountMinor\s+50\.0%\s+\(1\/2\)/);
    expect(lines.join('\n')).toMatch(/#2 "taxi 9" wrong: amountMinor/);
    expect(JSON.parse(lines[lines.length - 1] ?? '')).toEqual({
      eval: 'parser',
      file: 'samples.jsonl',
      parsers: ['rules'],
      answeredBy: { rules: 2 },
      messages: 2,
      messageAccuracy: 0.5,
      expenseCountAccuracy: 1,
      amountMinor: 0.5,
      currency: 1,
      category: 1,
      occurredOn: 1,
      dropped: 0,
      guessed: 0,
      failures: 1,
    });
  });

  it('counts messages with an expense answered "no expense", and guesses', async () => {
    const guessing: ExpenseExtractor = {
      extract: (request) =>
        Promise.resolve({
          expenses:
            request.text === 'bento 12'
              ? [
                  {
                    ...coffee,
                    category: 'other',
                    description: 'bento 12',
                    parsedBy: 'rules',
                    guessed: true,
                  },
                ]
              : [],
          parser: 'rules',
          tokensUsed: 0,
        }),
    };
    const report = await evaluate(
      [sample('bento 12', [coffee]), sample('taxi 12', [taxi]), sample('hello', [])],
      guessing,
    );
    expect(report.dropped).toBe(1);
    expect(report.guessed).toBe(1);
  });

  it('names the line of a malformed sample', () => {
    expect(() =>
      parseSamples('{"input": {"text": "a"}, "expected": {"expenses": []}}\n{"input": {}}\n'),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_SAMPLE',
        message: expect.stringMatching(/^Line 2:/),
      }),
    );
  });
});

describe('npm run eval:parser, as a process', () => {
  it('scores the public samples and ends with one JSON line of figures', async () => {
    const file = path.join(repoRoot, 'parser', 'test', 'fixtures', 'parser-samples.jsonl');
    const run = await runCli('parser/src/cli/evalParser.ts', [file]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toContain('failures: none');
    expect(JSON.parse(lines[lines.length - 1] ?? '')).toMatchObject({
      eval: 'parser',
      messages: 30,
      messageAccuracy: 1,
      expenseCountAccuracy: 1,
      amountMinor: 1,
      currency: 1,
      category: 1,
      occurredOn: 1,
    });
  });

  it('exits 2 with a usage line when no file is given', async () => {
    const run = await runCli('parser/src/cli/evalParser.ts', []);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/usage: npm run eval:parser -- FILE/);
  });
});
