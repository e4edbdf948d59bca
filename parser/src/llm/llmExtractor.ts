import type OpenAI from 'openai';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import { CodedError, createLogger, errorMessage, type Logger } from '@cashtrack/platform';
import type { ParserMetrics } from '@cashtrack/platform/metrics';
import { checkParseRequest } from '../extraction/checkRequest.ts';
import type {
  ExpenseExtractor,
  ExtractedExpense,
  ParseOutcome,
  ParseRequest,
} from '../extraction/types.ts';
import { userToday } from '../rules/dates.ts';
import { answerJsonSchema, answerSchemaName } from './answerSchema.ts';
import { buildMessages } from './prompt.ts';
import { anonymousUser, type TokenBudget } from './tokenBudget.ts';
import { validateAnswer } from './validateAnswer.ts';

export interface LlmExtractorOptions {
  /** An `openai` client; its `timeout` and `maxRetries` govern each call and its retries. */
  readonly client: OpenAI;
  readonly model: string;
  /** Upper bound of one answer's tokens; a longer answer is cut off and falls back. */
  readonly maxOutputTokens: number;
  readonly budget: TokenBudget;
  /** Reads the message when the model cannot or should not: the rules parser. */
  readonly fallback: ExpenseExtractor;
  readonly logger?: Logger;
  /** Where the tokens of each answer and each unused answer's cause are counted. */
  readonly metrics?: Pick<ParserMetrics<FallbackCause>, 'modelTokensSpent' | 'modelAnswerNotUsed'>;
}

/** Why the model's answer was not used; logged and counted, so operators see how often each happens. */
export const fallbackCauses = [
  'OVER_BUDGET',
  'MODEL_UNAVAILABLE',
  'MODEL_REFUSED',
  'ANSWER_CUT_OFF',
  'CONTENT_FILTERED',
  'INVALID_MODEL_ANSWER',
] as const;
export type FallbackCause = (typeof fallbackCauses)[number];

type ModelResult =
  | { readonly kind: 'expenses'; readonly expenses: ExtractedExpense[]; readonly tokens: number }
  | { readonly kind: 'fallback'; readonly cause: FallbackCause; readonly tokens: number };

const noExpenseReason =
  'I couldn\'t find an expense in that message, so nothing was recorded. Try something like "lunch 12" or "$40 for gas yesterday".';

/**
 * The LLM extractor: asks an OpenAI-compatible chat model for a strict-JSON list of expenses,
 * validates it, and falls back to `fallback` (outcome `parser: 'rules'`) whenever the answer
 * cannot be trusted or had no chance: over budget, timeout or API error after the client's
 * retries, refusal, cut-off, content filter, malformed or invalid JSON, an unsupported amount.
 * Tokens the model spent are charged to the user's budget and reported even on fallback.
 * The user, `now` and the zone come from the request only; the model never sets them.
 */
export function createLlmExtractor(options: LlmExtractorOptions): ExpenseExtractor {
  const log = options.logger ?? createLogger('parser-llm');

  async function askModel(request: ParseRequest): Promise<ModelResult> {
    const today = userToday(request.now, request.timezone);
    let completion: ChatCompletion;
    try {
      completion = await options.client.chat.completions.create({
        model: options.model,
        messages: buildMessages(request, today),
        response_format: {
          type: 'json_schema',
          json_schema: { name: answerSchemaName, strict: true, schema: answerJsonSchema },
        },
        // Extraction has one right answer; sampling would only make redeliveries disagree.
        temperature: 0,
        // `max_tokens` rather than `max_completion_tokens`: every OpenAI-compatible server we
        // target (vLLM, Ollama, llama.cpp, Azure) reads it, and gpt-4o-mini accepts it.
        max_tokens: options.maxOutputTokens,
      });
    } catch (error) {
      // The client already retried what is worth retrying, with backoff.
      log.warn({ err: errorMessage(error), model: options.model }, 'model call failed');
      return { kind: 'fallback', cause: 'MODEL_UNAVAILABLE', tokens: 0 };
    }
    const tokens = completion.usage?.total_tokens ?? 0;
    options.metrics?.modelTokensSpent(
      completion.usage?.prompt_tokens ?? 0,
      completion.usage?.completion_tokens ?? 0,
    );
    const choice = completion.choices[0];
    if (choice === undefined) return { kind: 'fallback', cause: 'INVALID_MODEL_ANSWER', tokens };
    if (choice.message.refusal != null && choice.message.refusal !== '') {
      return { kind: 'fallback', cause: 'MODEL_REFUSED', tokens };
    }
    if (choice.finish_reason === 'length')
      return { kind: 'fallback', cause: 'ANSWER_CUT_OFF', tokens };
    if (choice.finish_reason === 'content_filter') {
      return { kind: 'fallback', cause: 'CONTENT_FILTERED', tokens };
    }
    try {
      const expenses = validateAnswer(choice.message.content ?? '', request.text, today);
      return { kind: 'expenses', expenses, tokens };
    } catch (error) {
      if (!(error instanceof CodedError)) throw error;
      log.warn({ problem: error.message, model: options.model }, 'model answer refused');
      return { kind: 'fallback', cause: 'INVALID_MODEL_ANSWER', tokens };
    }
  }

  async function fallBack(request: ParseRequest, tokens: number): Promise<ParseOutcome> {
    const outcome = await options.fallback.extract(request);
    return { ...outcome, parser: 'rules', tokensUsed: tokens };
  }

  return {
    async extract(request) {
      // Refused requests never reach the model (nor cost tokens): same codes as the rules path.
      checkParseRequest(request);
      const userId = request.userId ?? anonymousUser;
      if (!(await options.budget.hasRoom(userId))) {
        log.info({ userId, cause: 'OVER_BUDGET' }, 'daily token budget spent; using rules');
        options.metrics?.modelAnswerNotUsed('OVER_BUDGET');
        return fallBack(request, 0);
      }
      const result = await askModel(request);
      if (result.tokens > 0) await options.budget.charge(userId, result.tokens);
      if (result.kind === 'fallback') {
        options.metrics?.modelAnswerNotUsed(result.cause);
        log.info(
          { cause: result.cause, tokens: result.tokens },
          'model answer not used; using rules',
        );
        return fallBack(request, result.tokens);
      }
      if (result.expenses.length === 0) {
        return { expenses: [], reason: noExpenseReason, parser: 'llm', tokensUsed: result.tokens };
      }
      return { expenses: result.expenses, parser: 'llm', tokensUsed: result.tokens };
    },
  };
}
