import { z } from 'zod';
import { CodedError } from '@cashtrack/platform';
import type { ParseRequest } from '../extraction/types.ts';

/**
 * One input line of `npm run parse` (DESIGN.md, "Parser command line"), also the `input` of an
 * evaluation sample: `{"text": "...", "now": "2026-11-24T10:00:00Z", "timezone": "Europe/Berlin",
 * "currency": "EUR"}` with `now` (default: the current time), `timezone` (default `UTC`) and
 * `currency` (default `USD`) optional.
 */
export const parseInputSchema = z.object({
  text: z.string(),
  now: z.string().datetime({ offset: true }).optional(),
  timezone: z.string().min(1).optional(),
  currency: z.string().min(1).optional(),
});

export type ParseInput = z.infer<typeof parseInputSchema>;

export const defaultTimezone = 'UTC';
export const defaultCurrency = 'USD';

export function toParseRequest(input: ParseInput, currentTime: Date): ParseRequest {
  return {
    text: input.text,
    now: input.now === undefined ? currentTime : new Date(input.now),
    timezone: input.timezone ?? defaultTimezone,
    // Codes are upper-case by definition; "eur" is accepted as a courtesy.
    currency: (input.currency ?? defaultCurrency).toUpperCase(),
  };
}

/** Reads one JSON line; throws `INVALID_JSON` or `INVALID_INPUT` with a message for people. */
export function readJsonLine<T>(line: string, schema: z.ZodType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new CodedError('INVALID_JSON', 'The line is not valid JSON');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) =>
      issue.path.length === 0 ? issue.message : `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new CodedError('INVALID_INPUT', problems.join('; '));
  }
  return parsed.data;
}
