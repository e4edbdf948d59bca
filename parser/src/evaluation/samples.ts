import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { categories } from '@cashtrack/events';
import { CodedError, errorMessage } from '@cashtrack/platform';
import { parseInputSchema, readJsonLine } from '../cli/parseInput.ts';

/**
 * Labelled messages in the format of `../shared/parser-samples.jsonl`: one JSON object per line
 * with the parser's `input` and the `expected` expenses (description is not scored).
 */

const expectedExpenseSchema = z.object({
  amountMinor: z.number().int(),
  currency: z.string(),
  category: z.enum(categories),
  occurredOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});

export const sampleSchema = z.object({
  input: parseInputSchema,
  expected: z.object({ expenses: z.array(expectedExpenseSchema) }),
});

export type Sample = z.infer<typeof sampleSchema>;
export type ExpectedExpense = z.infer<typeof expectedExpenseSchema>;

/** Parses JSONL text; a bad line is an error naming its line number (`INVALID_SAMPLE`). */
export function parseSamples(text: string): Sample[] {
  return text.split('\n').flatMap((line, index) => {
    if (line.trim() === '') return [];
    try {
      return [readJsonLine(line, sampleSchema)];
    } catch (error) {
      throw new CodedError('INVALID_SAMPLE', `Line ${index + 1}: ${errorMessage(error)}`, {
        line: index + 1,
      });
    }
  });
}

export async function readSamples(file: string): Promise<Sample[]> {
  return parseSamples(await readFile(file, 'utf8'));
}
