import OpenAI from 'openai';
import type { Logger } from '@cashtrack/platform';
import type { ParserMetrics } from '@cashtrack/platform/metrics';
import { createLlmExtractor, type FallbackCause } from '../llm/llmExtractor.ts';
import { llmConfigFromEnv } from '../llm/llmConfig.ts';
import { memoryTokenBudget } from '../llm/memoryTokenBudget.ts';
import type { TokenBudget } from '../llm/tokenBudget.ts';
import { rulesExtractor } from '../rules/rulesExtractor.ts';
import type { ExpenseExtractor } from './types.ts';

/** The settings that choose an extractor; `process.env` in production, a literal in tests. */
export type ExtractorEnv = Readonly<Record<string, string | undefined>>;

export interface ExtractorDependencies {
  /**
   * Where the per-user daily token budget is kept, given its daily allowance. Default: process
   * memory, which suits `npm run parse`; the worker passes one on MongoDB, shared by replicas.
   */
  readonly budget?: (dailyTokens: number) => TokenBudget;
  readonly logger?: Logger;
  /** Where the model's tokens and unused answers are counted (the worker's /metrics). */
  readonly metrics?: ParserMetrics<FallbackCause>;
}

/**
 * The extractor the worker and the command line use: the LLM extractor with the rules parser as
 * its fallback when `OPENAI_API_KEY` is set (see `llmConfig.ts` for the other variables), else
 * the rules parser alone. Throws `INVALID_CONFIG` for a malformed setting.
 */
export function createExtractor(
  env: ExtractorEnv = process.env,
  dependencies: ExtractorDependencies = {},
): ExpenseExtractor {
  const config = llmConfigFromEnv(env);
  if (config === undefined) return rulesExtractor;
  const client = new OpenAI({
    apiKey: config.apiKey,
    baseURL: config.baseUrl,
    timeout: config.timeoutMs,
    maxRetries: config.maxRetries,
  });
  const budget = (dependencies.budget ?? memoryTokenBudget)(config.dailyTokenBudget);
  return createLlmExtractor({
    client,
    model: config.model,
    maxOutputTokens: config.maxOutputTokens,
    budget,
    fallback: rulesExtractor,
    logger: dependencies.logger,
    metrics: dependencies.metrics,
  });
}

/** True when `createExtractor(env)` would use a model, so callers know a budget store is needed. */
export function usesLlm(env: ExtractorEnv = process.env): boolean {
  return llmConfigFromEnv(env) !== undefined;
}
