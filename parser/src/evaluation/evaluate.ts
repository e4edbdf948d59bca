import { CodedError, errorMessage } from '@cashtrack/platform';
import { toParseRequest } from '../cli/parseInput.ts';
import type { ExpenseExtractor, ExtractedExpense, ParserKind } from '../extraction/types.ts';
import type { ExpectedExpense, Sample } from './samples.ts';

/**
 * Scores an extractor against labelled samples. Expenses are compared in order: the first
 * expected with the first extracted, and so on. A field's accuracy counts, over every position
 * where either side has an expense, how often both agree, so a missing or an extra expense costs
 * every field. A message is right when it has the right number of expenses, all fields right.
 */

export const scoredFields = ['amountMinor', 'currency', 'category', 'occurredOn'] as const;
export type ScoredField = (typeof scoredFields)[number];

export interface Tally {
  readonly correct: number;
  readonly total: number;
  /** correct / total, 1 when there is nothing to count. */
  readonly accuracy: number;
}

export interface SampleResult {
  /** 1-based position of the sample in the file. */
  readonly index: number;
  readonly text: string;
  readonly expected: readonly ExpectedExpense[];
  readonly actual: readonly ExtractedExpense[];
  readonly reason?: string;
  readonly error?: { readonly code: string; readonly message: string };
  readonly wrongFields: readonly (ScoredField | 'count')[];
}

export interface EvaluationReport {
  readonly messages: Tally;
  readonly count: Tally;
  /** Messages that hold an expense but got none: to the person, data lost (issue 20). */
  readonly dropped: number;
  /** Expenses the parser marked as a guess, for the person to check. */
  readonly guessed: number;
  readonly fields: Readonly<Record<ScoredField, Tally>>;
  readonly parsers: readonly ParserKind[];
  /** Messages each parser answered: with a model, how many fell back to the rules. */
  readonly answeredBy: Readonly<Partial<Record<ParserKind, number>>>;
  readonly failures: readonly SampleResult[];
}

function tally(correct: number, total: number): Tally {
  return { correct, total, accuracy: total === 0 ? 1 : correct / total };
}

type FieldCounts = Record<ScoredField, number>;

/** How many positions were compared and how many of them each field got right. */
function compare(
  expected: readonly ExpectedExpense[],
  actual: readonly ExtractedExpense[],
): { positions: number; correct: FieldCounts } {
  const positions = Math.max(actual.length, expected.length);
  const correct: FieldCounts = { amountMinor: 0, currency: 0, category: 0, occurredOn: 0 };
  for (let position = 0; position < positions; position += 1) {
    for (const field of scoredFields) {
      if (actual[position]?.[field] === expected[position]?.[field]) correct[field] += 1;
    }
  }
  return { positions, correct };
}

interface SampleRun {
  readonly result: SampleResult;
  readonly positions: number;
  readonly correct: FieldCounts;
  readonly parser?: ParserKind;
}

async function runSample(
  sample: Sample,
  index: number,
  extractor: ExpenseExtractor,
  currentTime: Date,
): Promise<SampleRun> {
  const expected = sample.expected.expenses;
  let actual: readonly ExtractedExpense[] = [];
  let reason: string | undefined;
  let parser: ParserKind | undefined;
  let error: SampleResult['error'];
  try {
    ({
      expenses: actual,
      reason,
      parser,
    } = await extractor.extract(toParseRequest(sample.input, currentTime)));
  } catch (caught) {
    error = {
      code: caught instanceof CodedError ? caught.code : 'INTERNAL_ERROR',
      message: errorMessage(caught),
    };
  }
  const { positions, correct } = compare(expected, actual);
  const wrongFields: (ScoredField | 'count')[] = [];
  if (error !== undefined || actual.length !== expected.length) wrongFields.push('count');
  wrongFields.push(...scoredFields.filter((field) => correct[field] < positions));
  const result: SampleResult = {
    index,
    text: sample.input.text,
    expected,
    actual,
    reason,
    error,
    wrongFields,
  };
  return { result, positions, correct, parser };
}

export async function evaluate(
  samples: readonly Sample[],
  extractor: ExpenseExtractor,
  clock: () => Date = () => new Date(),
): Promise<EvaluationReport> {
  const fieldCorrect: FieldCounts = { amountMinor: 0, currency: 0, category: 0, occurredOn: 0 };
  let positions = 0;
  let countCorrect = 0;
  const answeredBy: Partial<Record<ParserKind, number>> = {};
  const failures: SampleResult[] = [];
  let dropped = 0;
  let guessed = 0;
  for (const [offset, sample] of samples.entries()) {
    const run = await runSample(sample, offset + 1, extractor, clock());
    if (run.parser !== undefined) answeredBy[run.parser] = (answeredBy[run.parser] ?? 0) + 1;
    positions += run.positions;
    for (const field of scoredFields) fieldCorrect[field] += run.correct[field];
    if (!run.result.wrongFields.includes('count')) countCorrect += 1;
    if (run.result.wrongFields.length > 0) failures.push(run.result);
    if (run.result.expected.length > 0 && run.result.actual.length === 0) dropped += 1;
    guessed += run.result.actual.filter((expense) => expense.guessed).length;
  }
  const fields = Object.fromEntries(
    scoredFields.map((field) => [field, tally(fieldCorrect[field], positions)]),
  ) as Record<ScoredField, Tally>;
  return {
    messages: tally(samples.length - failures.length, samples.length),
    count: tally(countCorrect, samples.length),
    dropped,
    guessed,
    fields,
    parsers: Object.keys(answeredBy) as ParserKind[],
    answeredBy,
    failures,
  };
}
