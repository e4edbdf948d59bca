import { Counter, type Registry } from 'prom-client';

/**
 * Who answered for a message: the model, the rules parser (no model configured), the rules
 * parser after the model's answer was not used (`fallback`), or none (refused before parsing,
 * or the handling failed and is retried).
 */
export type MessageParserLabel = 'llm' | 'rules' | 'fallback' | 'none';

/** `failed` counts attempts that threw (retried, then dead-lettered); the rest count messages. */
export type MessageOutcomeLabel = 'parsed' | 'no_expense' | 'refused' | 'failed';

/** The parser behind one expense's category. */
export type ExpenseParserLabel = 'llm' | 'rules' | 'rules-learned';

/**
 * The parser worker's figures: outcomes by parser, expenses by parser, model tokens, and why a
 * model's answer was not used, by one of `causes` (the LLM extractor's fixed list).
 */
export class ParserMetrics<Cause extends string = string> {
  private readonly messages: Counter<'parser' | 'outcome'>;
  private readonly expenses: Counter<'parser'>;
  private readonly tokens: Counter<'kind'>;
  private readonly answersNotUsed: Counter<'cause'>;

  constructor(registry: Registry, causes: readonly Cause[]) {
    this.messages = new Counter({
      name: 'parser_messages_total',
      help: 'Submitted messages handled by the parser worker, by parser and outcome.',
      labelNames: ['parser', 'outcome'] as const,
      registers: [registry],
    });
    this.expenses = new Counter({
      name: 'parser_expenses_total',
      help: 'Expenses found in messages, by the parser that chose their category.',
      labelNames: ['parser'] as const,
      registers: [registry],
    });
    this.tokens = new Counter({
      name: 'parser_model_tokens_total',
      help: "Model tokens spent, from the model's answer's usage: prompt or completion.",
      labelNames: ['kind'] as const,
      registers: [registry],
    });
    this.answersNotUsed = new Counter({
      name: 'parser_model_answers_not_used_total',
      help: 'Messages read by the rules parser instead of the model, by cause.',
      labelNames: ['cause'] as const,
      registers: [registry],
    });
    // Present from the start, so rate() and the dashboard see the series before the first one.
    this.tokens.inc({ kind: 'prompt' }, 0);
    this.tokens.inc({ kind: 'completion' }, 0);
    for (const cause of causes) this.answersNotUsed.inc({ cause }, 0);
  }

  messageHandled(parser: MessageParserLabel, outcome: MessageOutcomeLabel): void {
    this.messages.inc({ parser, outcome });
  }

  expenseFound(parser: ExpenseParserLabel): void {
    this.expenses.inc({ parser });
  }

  modelTokensSpent(prompt: number, completion: number): void {
    this.tokens.inc({ kind: 'prompt' }, prompt);
    this.tokens.inc({ kind: 'completion' }, completion);
  }

  modelAnswerNotUsed(cause: Cause): void {
    this.answersNotUsed.inc({ cause });
  }
}
