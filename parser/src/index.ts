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
export { createExtractor, usesLlm } from './extraction/createExtractor.ts';
export type { ExtractorDependencies, ExtractorEnv } from './extraction/createExtractor.ts';
export { createLlmExtractor } from './llm/llmExtractor.ts';
export type { FallbackCause, LlmExtractorOptions } from './llm/llmExtractor.ts';
export { llmConfigFromEnv } from './llm/llmConfig.ts';
export type { LlmConfig } from './llm/llmConfig.ts';
export type { TokenBudget } from './llm/tokenBudget.ts';
export { memoryTokenBudget } from './llm/memoryTokenBudget.ts';
export { mongoTokenBudget, tokenUsageCollection } from './llm/mongoTokenBudget.ts';
export { parseWithRules, rulesExtractor } from './rules/rulesExtractor.ts';
