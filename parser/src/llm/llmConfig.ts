import { CodedError } from '@cashtrack/platform';
import type { ExtractorEnv } from '../extraction/createExtractor.ts';

/** How the LLM extractor reaches its model; read from the environment by `llmConfigFromEnv`. */
export interface LlmConfig {
  /** `OPENAI_API_KEY`; the LLM path is on only when it is set. */
  readonly apiKey: string;
  /**
   * `OPENAI_BASE_URL`: any OpenAI-compatible server (Azure, vLLM, Ollama, llama.cpp). Unset means
   * the openai package's default, api.openai.com.
   */
  readonly baseUrl: string | undefined;
  /** `OPENAI_MODEL`, default `gpt-4o-mini`: cheap, and supports strict structured output. */
  readonly model: string;
  /** `OPENAI_TIMEOUT_MS`, default 15 000, per attempt; after the last one the rules answer. */
  readonly timeoutMs: number;
  /** `OPENAI_MAX_RETRIES`, default 2: the client retries 408/409/429/5xx and timeouts with backoff. */
  readonly maxRetries: number;
  /** `PARSER_DAILY_TOKEN_BUDGET`, default 20 000 model tokens per user per UTC day. */
  readonly dailyTokenBudget: number;
  /** `OPENAI_MAX_OUTPUT_TOKENS`, default 800: bounds one answer's cost; a cut-off answer falls back. */
  readonly maxOutputTokens: number;
}

export const defaultModel = 'gpt-4o-mini';

function present(env: ExtractorEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function wholeNumber(env: ExtractorEnv, name: string, fallback: number, min: number): number {
  const raw = present(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new CodedError(
      'INVALID_CONFIG',
      `${name} must be a whole number >= ${min}, got "${raw}"`,
    );
  }
  return value;
}

/** The LLM settings, or undefined when no API key is set (then the rules parser is used). */
export function llmConfigFromEnv(env: ExtractorEnv): LlmConfig | undefined {
  const apiKey = present(env, 'OPENAI_API_KEY');
  if (apiKey === undefined) return undefined;
  return {
    apiKey,
    baseUrl: present(env, 'OPENAI_BASE_URL'),
    model: present(env, 'OPENAI_MODEL') ?? defaultModel,
    timeoutMs: wholeNumber(env, 'OPENAI_TIMEOUT_MS', 15_000, 1),
    maxRetries: wholeNumber(env, 'OPENAI_MAX_RETRIES', 2, 0),
    dailyTokenBudget: wholeNumber(env, 'PARSER_DAILY_TOKEN_BUDGET', 20_000, 0),
    maxOutputTokens: wholeNumber(env, 'OPENAI_MAX_OUTPUT_TOKENS', 800, 16),
  };
}
