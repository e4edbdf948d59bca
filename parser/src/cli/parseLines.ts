import { CodedError, errorMessage } from '@cashtrack/platform';
import type { ExpenseExtractor, ParseOutcome } from '../extraction/types.ts';
import { parseInputSchema, readJsonLine, toParseRequest } from './parseInput.ts';

/**
 * The core of `npm run parse`, apart from stdin and stdout so tests can drive it: each input
 * line gives exactly one output line, in order, and a bad line never stops the ones after it.
 */

export type ParseLineOutput =
  | {
      readonly expenses: readonly {
        readonly amountMinor: number;
        readonly currency: string;
        readonly category: string;
        readonly description: string;
        readonly occurredOn: string;
      }[];
      readonly reason?: string;
    }
  | { readonly error: { readonly code: string; readonly message: string } };

/** The DESIGN.md output: the expenses with their fields in a fixed order, and the reason if any. */
function toOutput(outcome: ParseOutcome): ParseLineOutput {
  const expenses = outcome.expenses.map((expense) => ({
    amountMinor: expense.amountMinor,
    currency: expense.currency,
    category: expense.category,
    description: expense.description,
    occurredOn: expense.occurredOn,
  }));
  return outcome.reason === undefined ? { expenses } : { expenses, reason: outcome.reason };
}

export async function parseLine(
  line: string,
  extractor: ExpenseExtractor,
  currentTime: Date,
): Promise<ParseLineOutput> {
  try {
    const input = readJsonLine(line, parseInputSchema);
    return toOutput(await extractor.extract(toParseRequest(input, currentTime)));
  } catch (error) {
    if (error instanceof CodedError) {
      return { error: { code: error.code, message: error.message } };
    }
    // A bug in an extractor is reported on its line like any other failure; the run goes on.
    return { error: { code: 'INTERNAL_ERROR', message: errorMessage(error) } };
  }
}

export interface ParseRunSummary {
  readonly lines: number;
  readonly failed: number;
}

/**
 * Reads lines from `input` and writes one JSON line per non-blank input line with `write`.
 * Blank lines are not inputs and produce nothing. `clock` gives the default `now` per line.
 */
export async function runParse(
  input: AsyncIterable<string>,
  write: (line: string) => void,
  extractor: ExpenseExtractor,
  clock: () => Date = () => new Date(),
): Promise<ParseRunSummary> {
  let lines = 0;
  let failed = 0;
  for await (const line of input) {
    if (line.trim() === '') continue;
    lines += 1;
    const output = await parseLine(line, extractor, clock());
    if ('error' in output) failed += 1;
    write(JSON.stringify(output));
  }
  return { lines, failed };
}
