import { describe, expect, it } from '@jest/globals';
import { newEvent } from '@cashtrack/events';
import { expenseIdFor } from '../src/worker/deterministicIds.ts';
import { recordedEvents, rejectedEvent } from '../src/worker/outcomeEvents.ts';

/** The events a parsed message becomes; ids repeat for the same message, so redelivery is harmless. */

const submitted = newEvent({
  type: 'ExpenseMessageSubmitted',
  userId: 'user-1',
  aggregateId: 'message-1',
  aggregateVersion: 1,
  correlationId: 'request-1',
  now: new Date('2026-11-24T10:00:00Z'),
  payload: { text: 'uber 23.40 yesterday + coffee 4', timezone: 'UTC', currency: 'USD' },
});
const now = new Date('2026-11-24T10:00:01Z');
const outcome = {
  expenses: [
    {
      amountMinor: 2340,
      currency: 'USD',
      category: 'transport' as const,
      description: 'uber',
      occurredOn: '2026-11-23',
      parsedBy: 'llm' as const,
      guessed: false,
    },
    {
      amountMinor: 400,
      currency: 'USD',
      category: 'dining' as const,
      description: 'coffee',
      occurredOn: '2026-11-24',
      parsedBy: 'llm' as const,
      guessed: false,
    },
  ],
  parser: 'llm' as const,
  tokensUsed: 250,
};

/** What the hand-written RFC 9562 version 5 code made of message-1's first expense. */
const expenseIdBeforeUuidPackage = 'b0ed36f7-2d16-576d-8d9e-9a1ad53e1353';

describe('name-based ids', () => {
  it('are UUIDs of version 5 that depend only on the message and position', () => {
    const id = expenseIdFor('message-1', 0);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(expenseIdFor('message-1', 0)).toBe(id);
    expect(expenseIdFor('message-1', 1)).not.toBe(id);
    expect(expenseIdFor('message-2', 0)).not.toBe(id);
  });

  it('are the ids the hand-written version made, so expenses recorded before keep theirs', () => {
    expect(expenseIdFor('message-1', 0)).toBe(expenseIdBeforeUuidPackage);
  });
});

describe('recordedEvents', () => {
  it('strips control and bidi characters a model put in a description, rather than fail the contract', () => {
    const dirty = {
      ...outcome,
      expenses: [{ ...outcome.expenses[0]!, description: 'uber\u0000 ride\n\u202eto work' }],
    };
    const [event] = recordedEvents(submitted, dirty, now);
    expect(event?.payload.description).toBe('uber ride to work');
  });

  it('makes one ExpenseRecorded per expense, from the message, caused by it', () => {
    const events = recordedEvents(submitted, outcome, now);
    expect(events).toHaveLength(2);
    events.forEach((event, position) => {
      expect(event).toMatchObject({
        type: 'ExpenseRecorded',
        userId: 'user-1',
        aggregateId: expenseIdFor('message-1', position),
        aggregateVersion: 1,
        correlationId: 'request-1',
        causationId: submitted.eventId,
        occurredAt: now.toISOString(),
        payload: {
          amountMinor: outcome.expenses[position]?.amountMinor,
          category: outcome.expenses[position]?.category,
          description: outcome.expenses[position]?.description,
          occurredOn: outcome.expenses[position]?.occurredOn,
          source: 'MESSAGE',
          origin: { messageId: 'message-1', position, count: 2, parser: 'llm', tokensUsed: 250 },
        },
      });
    });
  });

  it('repeats every id when the same message is handled again', () => {
    const first = recordedEvents(submitted, outcome, now);
    const again = recordedEvents(submitted, outcome, new Date('2026-11-24T11:00:00Z'));
    expect(again.map((e) => [e.eventId, e.aggregateId])).toEqual(
      first.map((e) => [e.eventId, e.aggregateId]),
    );
    expect(new Set(first.map((e) => e.eventId)).size).toBe(2);
  });
});

describe('rejectedEvent', () => {
  it('is version 2 of the message aggregate, with the reason and who rejected it', () => {
    const event = rejectedEvent(
      submitted,
      { reason: 'No amount.', parser: 'none', tokensUsed: 0 },
      now,
    );
    expect(event).toMatchObject({
      type: 'ExpenseMessageRejected',
      userId: 'user-1',
      aggregateId: 'message-1',
      aggregateVersion: 2,
      correlationId: 'request-1',
      causationId: submitted.eventId,
      payload: { reason: 'No amount.', parser: 'none', tokensUsed: 0 },
    });
    expect(
      rejectedEvent(submitted, { reason: 'x', parser: 'none', tokensUsed: 0 }, now).eventId,
    ).toBe(event.eventId);
  });

  it('cuts a reason to the 500 characters the event allows', () => {
    const event = rejectedEvent(
      submitted,
      { reason: 'é'.repeat(600), parser: 'rules', tokensUsed: 0 },
      now,
    );
    expect(event.payload.reason).toHaveLength(500);
  });
});
