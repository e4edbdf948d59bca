import { rulesExtractor } from '../rules/rulesExtractor.ts';
import type { ExpenseExtractor } from './types.ts';

/** The settings that choose an extractor; `process.env` in production, a literal in tests. */
export type ExtractorEnv = Readonly<Record<string, string | undefined>>;

/**
 * The extractor the worker and the command line use. Today that is always the rules parser.
 * The LLM extractor (issue 7, item 2) plugs in here: when `OPENAI_API_KEY` is set it will be
 * returned, wrapping the rules parser as its fallback, so callers never change.
 */
export function createExtractor(_env: ExtractorEnv = process.env): ExpenseExtractor {
  return rulesExtractor;
}
