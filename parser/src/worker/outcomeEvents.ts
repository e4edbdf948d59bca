import {
  causedBy,
  newEvent,
  parseEvent,
  stripForbiddenCharacters,
  type CashTrackEvent,
  type EventOfType,
} from '@cashtrack/events';
import type { ParseOutcome } from '../extraction/types.ts';
import { expenseIdFor, reactionEventIdFor } from './deterministicIds.ts';

/**
 * The events a parsed message turns into: one `ExpenseRecorded` per expense, or one
 * `ExpenseMessageRejected`. Pure apart from `now`. The user and the time of the message come
 * from the submitted event; only amounts, categories, descriptions and dates come from parsing.
 */

type Submitted = EventOfType<'ExpenseMessageSubmitted'>;

/** Who rejected a message: a parser, or `none` when the request was refused before parsing. */
export type RejectingParser = 'llm' | 'rules' | 'none';

/** `newEvent` draws a random event id; ours must repeat on redelivery, so it is replaced. */
function withEventId<Event extends CashTrackEvent>(event: Event, eventId: string): Event {
  return parseEvent({ ...event, eventId }) as Event;
}

export function recordedEvents(
  submitted: Submitted,
  outcome: ParseOutcome,
  now: Date,
): EventOfType<'ExpenseRecorded'>[] {
  const messageId = submitted.aggregateId;
  const count = outcome.expenses.length;
  return outcome.expenses.map((expense, position) =>
    withEventId(
      newEvent({
        type: 'ExpenseRecorded',
        userId: submitted.userId,
        aggregateId: expenseIdFor(messageId, position),
        aggregateVersion: 1,
        ...causedBy(submitted),
        now,
        payload: {
          amountMinor: expense.amountMinor,
          currency: expense.currency,
          category: expense.category,
          // A model may answer with any character; there is no one to ask, so it is cleaned.
          description: stripForbiddenCharacters(expense.description, 'singleLine'),
          occurredOn: expense.occurredOn,
          source: 'MESSAGE',
          origin: {
            messageId,
            position,
            count,
            parser: expense.parsedBy,
            tokensUsed: outcome.tokensUsed,
            ...(expense.guessed ? { guessed: true as const } : {}),
          },
        },
      }),
      reactionEventIdFor(submitted.eventId, `recorded:${position}`),
    ),
  );
}

/** Longest reason the event accepts. */
const maxReasonLength = 500;

export function rejectedEvent(
  submitted: Submitted,
  rejection: {
    readonly reason: string;
    readonly parser: RejectingParser;
    readonly tokensUsed: number;
  },
  now: Date,
): EventOfType<'ExpenseMessageRejected'> {
  return withEventId(
    newEvent({
      type: 'ExpenseMessageRejected',
      userId: submitted.userId,
      aggregateId: submitted.aggregateId,
      aggregateVersion: 2,
      ...causedBy(submitted),
      now,
      payload: {
        reason: [...rejection.reason].slice(0, maxReasonLength).join(''),
        parser: rejection.parser,
        tokensUsed: rejection.tokensUsed,
      },
    }),
    reactionEventIdFor(submitted.eventId, 'rejected'),
  );
}
