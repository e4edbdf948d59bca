/** The parser's public face: what the worker and the LLM extractor import. */
export type {
  ExpenseExtractor,
  ExtractedExpense,
  ParseOutcome,
  ParseRequest,
  ParserKind,
} from './extraction/types.ts';
export { checkParseRequest, maxTextLength } from './extraction/checkRequest.ts';
export { maxDescriptionLength } from './extraction/types.ts';
export { createExtractor } from './extraction/createExtractor.ts';
export type { ExtractorEnv } from './extraction/createExtractor.ts';
export { parseWithRules, rulesExtractor } from './rules/rulesExtractor.ts';
