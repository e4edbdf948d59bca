import type { Category } from '@cashtrack/events';
import type { LearnedTerm } from '../vocabulary/learnedTerms.ts';

/**
 * The contract every way of turning a message into expenses implements: the rules parser now,
 * the LLM extractor later. The worker and the command line only know these types.
 */

/** What the user wrote, with the context that gives it meaning. */
export interface ParseRequest {
  /** The message as typed, at most `maxTextLength` characters and not blank. */
  readonly text: string;
  /** When the message was sent: "today" and "yesterday" are counted from here. */
  readonly now: Date;
  /** The user's IANA time zone, in which calendar dates are resolved. */
  readonly timezone: string;
  /** The user's default ISO-4217 currency, used when the message names none. */
  readonly currency: string;
  /**
   * Who sent it, from the event and never from the text: the LLM path counts its daily token
   * budget per user. The command line has no user; its messages share one anonymous budget.
   */
  readonly userId?: string;
  /**
   * The words this user taught the parser by correcting categories (their vocabulary read
   * model); consulted before the keyword tables, and shown to a model as examples. Another
   * user's are never here.
   */
  readonly vocabulary?: readonly LearnedTerm[];
}

/** Descriptions longer than this are cut; the read models and the app expect a short label. */
export const maxDescriptionLength = 200;

export interface ExtractedExpense {
  /** Integer in minor units of `currency`, within `assertAmountInRange`. */
  readonly amountMinor: number;
  readonly currency: string;
  readonly category: Category;
  /** A short human label such as "lunch with Anna", at most `maxDescriptionLength` characters. */
  readonly description: string;
  /** Calendar date `YYYY-MM-DD` in the user's time zone. */
  readonly occurredOn: string;
  /**
   * Which parser chose this expense's category: the model, the keyword tables, or the words
   * this user taught the parser by correcting earlier expenses (`rules-learned`).
   */
  readonly parsedBy: ExpenseParser;
  /**
   * True when nothing in the message decided the category (it is `other`, or only a generic
   * word such as "bill" chose it): the app asks the person to check it.
   */
  readonly guessed: boolean;
}

/** The extractor that answered for a whole message. */
export type ParserKind = 'rules' | 'llm';

/** The parser behind one expense; `rules-learned` is the rules parser using a user's corrections. */
export type ExpenseParser = ParserKind | 'rules-learned';

export interface ParseOutcome {
  /** Empty when the message holds no expense; `reason` then says why. */
  readonly expenses: readonly ExtractedExpense[];
  /** A sentence a person understands, present when `expenses` is empty. */
  readonly reason?: string;
  /** Which parser produced the answer (the LLM path may fall back to the rules). */
  readonly parser: ParserKind;
  /** Model tokens spent on this message; 0 for the rules parser. */
  readonly tokensUsed: number;
}

export interface ExpenseExtractor {
  /**
   * Rejects with a `CodedError` when the request itself is unusable (`EMPTY_TEXT`,
   * `TEXT_TOO_LONG`, `INVALID_TIMEZONE`, `INVALID_CURRENCY`, `INVALID_NOW`); a message that
   * simply holds no expense resolves with no expenses and a reason.
   */
  extract(request: ParseRequest): Promise<ParseOutcome>;
}
