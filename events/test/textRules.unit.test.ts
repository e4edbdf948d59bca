import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  EventValidationError,
  forbiddenCharacterIn,
  isEmailAddress,
  newEvent,
  refuseUnsafeText,
  stripForbiddenCharacters,
} from '../src/index.ts';

const now = new Date('2026-11-24T10:00:00Z');

function registered(email: string, displayName = 'Ann'): () => unknown {
  const userId = randomUUID();
  return () =>
    newEvent({
      type: 'UserRegistered',
      userId,
      aggregateId: userId,
      aggregateVersion: 1,
      payload: { email, displayName, currency: 'USD', timezone: 'UTC' },
      correlationId: 'c1',
      now,
    });
}

describe('the email rule', () => {
  it.each(['ann@example.com', "o'neil+tag@mail.example.co.uk", 'a_b-c@x-y.io'])(
    'accepts %p, and so does the UserRegistered contract',
    (email) => {
      expect(isEmailAddress(email)).toBe(true);
      expect(registered(email)).not.toThrow();
    },
  );

  it.each([
    'аnn@example.com', // Cyrillic а
    'ann@exаmple.com',
    'ann@example',
    'ann@@example.com',
    '.ann@example.com',
    'a..b@example.com',
    'a b@example.com',
    `${'a'.repeat(320)}@example.com`,
  ])('refuses %p, and so does the UserRegistered contract', (email) => {
    expect(isEmailAddress(email)).toBe(false);
    expect(registered(email)).toThrow(EventValidationError);
  });
});

describe('the safe-text rule', () => {
  it.each([
    ['NUL', 'Ann\u0000', 'U+0000'],
    ['escape', 'Ann\u001b[2J', 'U+001B'],
    ['DEL', 'Ann\u007f', 'U+007F'],
    ['a C1 control', 'Ann\u0085', 'U+0085'],
    ['right-to-left override', 'Ann\u202etxt.exe', 'U+202E'],
    ['left-to-right embedding', '\u202aAnn', 'U+202A'],
    ['first strong isolate', 'Ann\u2068', 'U+2068'],
    ['pop directional isolate', 'Ann\u2069', 'U+2069'],
    ['line separator', 'Ann\u2028Bob', 'U+2028'],
  ])('finds a %s in any text', (_name, text, codePoint) => {
    expect(forbiddenCharacterIn(text, 'singleLine')).toBe(codePoint);
    expect(forbiddenCharacterIn(text, 'multiLine')).toBe(codePoint);
  });

  it('allows tabs and line breaks only in multi-line text', () => {
    expect(forbiddenCharacterIn('coffee 4\nlunch\t12\r\n', 'multiLine')).toBeUndefined();
    expect(forbiddenCharacterIn('coffee\n4', 'singleLine')).toBe('U+000A');
    expect(forbiddenCharacterIn('coffee\t4', 'singleLine')).toBe('U+0009');
  });

  it('leaves HTML, emoji, right-to-left text and its marks alone', () => {
    for (const text of ['<b>Ann</b> & "Bob"', 'café ☕️ 👩‍👩‍👧', 'שלום\u200fעולם', 'مرحبا']) {
      expect(forbiddenCharacterIn(text, 'singleLine')).toBeUndefined();
    }
  });

  it('refuses at the command edge with INVALID_CHARACTERS naming the field and the character', () => {
    expect(() =>
      refuseUnsafeText('Ann\u202e', 'singleLine', 'displayName', 'Display name'),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_CHARACTERS',
        details: { field: 'displayName', character: 'U+202E' },
      }),
    );
    expect(() => refuseUnsafeText('a\nb', 'multiLine', 'text', 'A message')).not.toThrow();
  });

  it('strips for text no one can be asked to fix: whitespace controls become a space', () => {
    expect(stripForbiddenCharacters('tea\u0000\u202e and\ncake\t ', 'singleLine')).toBe(
      'tea and cake',
    );
    expect(stripForbiddenCharacters('tea\n\u0007cake', 'multiLine')).toBe('tea\ncake');
  });

  it('is part of the contracts: a display name, description or message text with one is refused', () => {
    expect(registered('ann@example.com', 'Ann\u202e')).toThrow(EventValidationError);
    const userId = randomUUID();
    const expense = (description: string) => () =>
      newEvent({
        type: 'ExpenseRecorded',
        userId,
        aggregateId: randomUUID(),
        aggregateVersion: 1,
        payload: {
          amountMinor: 100,
          currency: 'USD',
          category: 'dining',
          description,
          occurredOn: '2026-11-24',
          source: 'MANUAL',
          origin: null,
        },
        correlationId: 'c1',
        now,
      });
    expect(expense('coffee <b>beans</b>')).not.toThrow();
    expect(expense('coffee\u0000')).toThrow(EventValidationError);
    const message = (text: string) => () =>
      newEvent({
        type: 'ExpenseMessageSubmitted',
        userId,
        aggregateId: randomUUID(),
        aggregateVersion: 1,
        payload: { text, timezone: 'UTC', currency: 'USD' },
        correlationId: 'c1',
        now,
      });
    expect(message('coffee 4\nlunch 12')).not.toThrow();
    expect(message('coffee 4\u2066')).toThrow(EventValidationError);
  });
});
