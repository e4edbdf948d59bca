import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { toParseRequest } from '../src/cli/parseInput.ts';
import { parseSamples } from '../src/evaluation/samples.ts';
import { parseWithRules } from '../src/rules/rulesExtractor.ts';

/**
 * Every public sample passes with the rules parser. The samples live in ../shared beside the
 * repository; the copy in fixtures/ keeps the test running in a checkout without it.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const shared = path.resolve(repoRoot, '..', 'shared', 'parser-samples.jsonl');
const fixture = path.resolve(repoRoot, 'parser', 'test', 'fixtures', 'parser-samples.jsonl');
const samples = parseSamples(readFileSync(existsSync(shared) ? shared : fixture, 'utf8'));

describe('public samples with the rules parser', () => {
  it('has samples to check', () => {
    expect(samples.length).toBeGreaterThanOrEqual(30);
  });

  it.each(samples.map((sample) => [sample.input.text, sample] as const))('%s', (_text, sample) => {
    const outcome = parseWithRules(toParseRequest(sample.input, new Date()));
    expect(outcome.expenses).toEqual(
      sample.expected.expenses.map((expense) => expect.objectContaining(expense)),
    );
    if (sample.expected.expenses.length === 0) expect(outcome.reason).toEqual(expect.any(String));
  });
});
