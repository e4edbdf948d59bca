import type { CashTrackEvent, EventHandler, EventOfType } from '@cashtrack/events';
import type { EventProducer } from '@cashtrack/events/kafka';
import { CodedError, type Logger } from '@cashtrack/platform';
import type { MessageParserLabel, ParserMetrics } from '@cashtrack/platform/metrics';
import type { ExpenseExtractor, ParseOutcome, ParseRequest } from '../extraction/types.ts';
import type { LearnedTerm } from '../vocabulary/learnedTerms.ts';
import { recordedEvents, rejectedEvent } from './outcomeEvents.ts';

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

/**
 * The worker's event handler: parses each `ExpenseMessageSubmitted` and publishes its outcome.
 * A request the parser refuses (`TEXT_TOO_LONG`...) is a rejection with `parser: 'none'`, not a
 * failure; any other error (the broker, the budget store) is thrown, so the runner retries and
 * then dead-letters or stops. Publishing again after a redelivery is harmless: ids are derived
 * from the message, so the projector sees duplicates and ignores them.
 */
export function handleSubmittedMessage(options: SubmittedMessageHandlerOptions): EventHandler {
  const { extractor, producer, now, log, vocabularyOf, metrics } = options;
  const parserOf = (outcome: ParseOutcome): MessageParserLabel =>
    outcome.parser === 'rules' && metrics?.modelConfigured === true ? 'fallback' : outcome.parser;
  const handle = async (event: CashTrackEvent) => {
    if (event.type !== 'ExpenseMessageSubmitted') {
      log.debug({ type: event.type }, 'not a submitted message; skipped');
      return;
    }
    const messageId = event.aggregateId;
    // Read before parsing, outside the refusal handling: a database error is retried.
    const vocabulary = vocabularyOf === undefined ? [] : await vocabularyOf(event.userId);
    let outcome: ParseOutcome;
    try {
      outcome = await extractor.extract(requestFrom(event, vocabulary));
    } catch (error) {
      if (!(error instanceof CodedError)) throw error;
      log.info({ messageId, code: error.code }, 'message refused before parsing');
      await producer.publish([
        rejectedEvent(event, { reason: error.message, parser: 'none', tokensUsed: 0 }, now()),
      ]);
      metrics?.counters.messageHandled('none', 'refused');
      return;
    }
    if (outcome.expenses.length === 0) {
      await producer.publish([
        rejectedEvent(
          event,
          {
            reason: outcome.reason ?? 'No expense was found in that message.',
            parser: outcome.parser,
            tokensUsed: outcome.tokensUsed,
          },
          now(),
        ),
      ]);
      metrics?.counters.messageHandled(parserOf(outcome), 'no_expense');
      log.info(
        { messageId, parser: outcome.parser, tokensUsed: outcome.tokensUsed },
        'message rejected',
      );
      return;
    }
    // One batch: the broker gets every expense of the message, in order, or none of the call.
    await producer.publish(recordedEvents(event, outcome, now()));
    if (metrics !== undefined) {
      metrics.counters.messageHandled(parserOf(outcome), 'parsed');
      for (const expense of outcome.expenses) metrics.counters.expenseFound(expense.parsedBy);
    }
    log.info(
      {
        messageId,
        expenses: outcome.expenses.length,
        parser: outcome.parser,
        tokensUsed: outcome.tokensUsed,
      },
      'message parsed',
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
