import { describe, expect, it } from '@jest/globals';
import { EventValidationError, parseEvent, type CashTrackEvent } from '../src/index.ts';
import { sampleOfEveryType } from './sampleEvents.ts';

/**
 * ExpenseRecorded version 2 (issue 20): the parser of each expense, `rules-learned` among them,
 * and `guessed: true` when nothing decided its category. Version 1 events still read.
 */

function recordedAt(version: number, origin: Record<string, unknown>, category = 'other') {
  const recorded = sampleOfEveryType('u1')[3] as CashTrackEvent;
  return {
    ...recorded,
    version,
    payload: { ...recorded.payload, category, origin: { ...origin } },
  };
}

const v1Origin = { messageId: 'msg-u1', position: 0, count: 1, parser: 'rules', tokensUsed: 0 };

describe('ExpenseRecorded versions', () => {
  it('reads a version 1 expense in other as a guess, at version 2', () => {
    const event = parseEvent(recordedAt(1, v1Origin));
    expect(event).toMatchObject({
      version: 2,
      payload: { origin: { parser: 'rules', guessed: true } },
    });
  });

  it('reads a version 1 expense with a category as no guess', () => {
    const event = parseEvent(recordedAt(1, v1Origin, 'groceries'));
    expect(event.type === 'ExpenseRecorded' && event.payload.origin?.guessed).toBeUndefined();
  });

  it('accepts rules-learned at version 2, and refuses it at version 1', () => {
    const learned = { ...v1Origin, parser: 'rules-learned' };
    expect(parseEvent(recordedAt(2, learned, 'dining'))).toMatchObject({
      payload: { origin: { parser: 'rules-learned' } },
    });
    expect(() => parseEvent(recordedAt(1, learned, 'dining'))).toThrow(EventValidationError);
  });

  it('refuses a guess that is not `true`', () => {
    expect(() => parseEvent(recordedAt(2, { ...v1Origin, guessed: false }))).toThrow(
      EventValidationError,
    );
  });
});

describe('ExpenseCategoryCorrected', () => {
  const corrected = sampleOfEveryType('u1').find(
    (event) => event.type === 'ExpenseCategoryCorrected',
  ) as CashTrackEvent;

  it('round-trips', () => {
    expect(parseEvent(JSON.parse(JSON.stringify(corrected)))).toEqual(corrected);
  });

  it('refuses an unknown category and a first version of the expense', () => {
    const payload = corrected.payload as Record<string, unknown>;
    expect(() =>
      parseEvent({ ...corrected, payload: { ...payload, toCategory: 'snacks' } }),
    ).toThrow(EventValidationError);
    expect(() => parseEvent({ ...corrected, payload: { ...payload, expenseVersion: 1 } })).toThrow(
      EventValidationError,
    );
  });
});
