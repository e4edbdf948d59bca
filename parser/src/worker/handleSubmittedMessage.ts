import type { CashTrackEvent, EventHandler, EventOfType } from '@cashtrack/events';
import type { EventProducer } from '@cashtrack/events/kafka';
import { CodedError, type Logger } from '@cashtrack/platform';
import type { MessageParserLabel, ParserMetrics } from '@cashtrack/platform/metrics';
import type { ExpenseExtractor, ParseOutcome, ParseRequest } from '../extraction/types.ts';
import type { LearnedTerm } from '../vocabulary/learnedTerms.ts';
import { recordedEvents, rejectedEvent } from './outcomeEvents.ts';
import type { ParseOutcomeLedger } from './parseOutcomeLedger.ts';

export interface SubmittedMessageHandlerOptions {
  readonly extractor: ExpenseExtractor;
  readonly producer: Pick<EventProducer, 'publish'>;
  readonly now: () => Date;
  readonly log: Logger;
  /** The words the message's author taught the parser (their vocabulary read model). */
  readonly vocabularyOf?: (userId: string) => Promise<readonly LearnedTerm[]>;
  /**
   * Where outcomes are counted; `modelConfigured` tells the rules parser after an unused model
   * answer (`fallback`) from the rules parser alone.
   */
  readonly metrics?: {
    readonly counters: Pick<ParserMetrics, 'messageHandled' | 'expenseFound'>;
    readonly modelConfigured: boolean;
  };
  /** Where the first outcome of each message is kept; given when a model is configured. */
  readonly ledger?: ParseOutcomeLedger;
}

/** Everything the parser needs, taken from the event alone: never from the text or the model. */
function requestFrom(
  submitted: EventOfType<'ExpenseMessageSubmitted'>,
  vocabulary: readonly LearnedTerm[],
): ParseRequest {
  return {
    vocabulary,
    text: submitted.payload.text,
    now: new Date(submitted.occurredAt),
    timezone: submitted.payload.timezone,
    currency: submitted.payload.currency,
    userId: submitted.userId,
  };
}

/** What handling one message came to, before anything is published. */
interface HandlingOutcome {
  readonly events: readonly CashTrackEvent[];
  readonly handledAs: 'parsed' | 'no_expense' | 'refused';
  readonly parser: MessageParserLabel;
  readonly outcome?: ParseOutcome;
}

/**
 * The worker's event handler: parses each `ExpenseMessageSubmitted` and publishes its outcome.
 * A request the parser refuses (`TEXT_TOO_LONG`...) is a rejection with `parser: 'none'`, not a
 * failure; any other error (the broker, the budget store) is thrown, so the runner retries and
 * then dead-letters or stops. Publishing again after a redelivery is harmless: ids are derived
 * from the message, so the projector sees duplicates and ignores them. With a `ledger` (a model
 * is configured, whose answers may differ from one call to the next), a redelivered message is
 * not parsed again: its first outcome is published again, as it was.
 */
export function handleSubmittedMessage(options: SubmittedMessageHandlerOptions): EventHandler {
  const { extractor, producer, now, log, vocabularyOf, metrics, ledger } = options;
  const parserOf = (outcome: ParseOutcome): MessageParserLabel =>
    outcome.parser === 'rules' && metrics?.modelConfigured === true ? 'fallback' : outcome.parser;

  const parse = async (event: EventOfType<'ExpenseMessageSubmitted'>): Promise<HandlingOutcome> => {
    // Read before parsing, outside the refusal handling: a database error is retried.
    const vocabulary = vocabularyOf === undefined ? [] : await vocabularyOf(event.userId);
    let outcome: ParseOutcome;
    try {
      outcome = await extractor.extract(requestFrom(event, vocabulary));
    } catch (error) {
      if (!(error instanceof CodedError)) throw error;
      log.info(
        { messageId: event.aggregateId, code: error.code },
        'message refused before parsing',
      );
      const reason = { reason: error.message, parser: 'none' as const, tokensUsed: 0 };
      return {
        events: [rejectedEvent(event, reason, now())],
        handledAs: 'refused',
        parser: 'none',
      };
    }
    if (outcome.expenses.length === 0) {
      const reason = {
        reason: outcome.reason ?? 'No expense was found in that message.',
        parser: outcome.parser,
        tokensUsed: outcome.tokensUsed,
      };
      return {
        events: [rejectedEvent(event, reason, now())],
        handledAs: 'no_expense',
        parser: parserOf(outcome),
        outcome,
      };
    }
    return {
      events: recordedEvents(event, outcome, now()),
      handledAs: 'parsed',
      parser: parserOf(outcome),
      outcome,
    };
  };

  const handle = async (event: CashTrackEvent) => {
    if (event.type !== 'ExpenseMessageSubmitted') {
      log.debug({ type: event.type }, 'not a submitted message; skipped');
      return;
    }
    const messageId = event.aggregateId;
    const kept = await ledger?.keptOutcome(messageId);
    if (kept !== undefined) {
      await producer.publish(kept);
      log.info(
        { messageId, events: kept.length },
        'message delivered again; its kept outcome published',
      );
      return;
    }
    const handled = await parse(event);
    const standing =
      ledger === undefined
        ? { events: handled.events, keptNow: true }
        : await ledger.keepFirst(messageId, handled.events);
    // One batch: the broker gets every expense of the message, in order, or none of the call.
    await producer.publish(standing.events);
    if (!standing.keptNow) {
      log.info(
        { messageId, events: standing.events.length },
        'parsed at once elsewhere; that outcome stands',
      );
      return;
    }
    metrics?.counters.messageHandled(handled.parser, handled.handledAs);
    const { outcome } = handled;
    if (outcome === undefined) return;
    if (handled.handledAs === 'parsed') {
      for (const expense of outcome.expenses) metrics?.counters.expenseFound(expense.parsedBy);
    }
    log.info(
      {
        messageId,
        expenses: outcome.expenses.length,
        parser: outcome.parser,
        tokensUsed: outcome.tokensUsed,
      },
      handled.handledAs === 'parsed' ? 'message parsed' : 'message rejected',
    );
  };
  if (metrics === undefined) return handle;
  return async (event) => {
    try {
      await handle(event);
    } catch (error) {
      // An attempt that threw: the runner retries it, then dead-letters or stops.
      metrics.counters.messageHandled('none', 'failed');
      throw error;
    }
  };
}
