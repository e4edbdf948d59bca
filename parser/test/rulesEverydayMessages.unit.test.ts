import { describe, expect, it } from '@jest/globals';
import { parseWithRules } from '../src/rules/rulesExtractor.ts';
import { request } from './requests.ts';

/**
 * The kinds of message issue 20 found the rules parser getting wrong, one block per kind;
 * now is Tuesday 2026-11-24 10:00 UTC.
 */

type Brief = [amountMinor: number, currency: string, category: string];

function brief(text: string, currency = 'USD'): Brief[] {
  return parseWithRules(request(text, { currency })).expenses.map((e) => [
    e.amountMinor,
    e.currency,
    e.category,
  ]);
}

describe('rules parser: a pictograph where a word would be', () => {
  it.each<[string, Brief[]]>([
    ['🍕 12', [[1200, 'USD', 'dining']]],
    ['⛽ 40', [[4000, 'USD', 'transport']]],
    ['✈️ 320', [[32000, 'USD', 'travel']]],
    ['💇🏽‍♀️ 45', [[4500, 'USD', 'personal_care']]],
    [
      '🍔 9 🚌 2.75',
      [
        [900, 'USD', 'dining'],
        [275, 'USD', 'transport'],
      ],
    ],
  ])('%s', (text, expected) => {
    expect(brief(text)).toEqual(expected);
  });

  it('keeps the pictograph as the description', () => {
    expect(parseWithRules(request('🍕 12')).expenses.map((e) => e.description)).toEqual(['🍕']);
  });
});

describe('rules parser: a cost per unit and a count', () => {
  it.each<[string, number]>([
    ['room 80 a night for 2 nights', 16000],
    ['hotel 95 per night x 3', 28500],
    ['parking 2.50 an hour for 4 hours', 1000],
    ['bike rental 12/day for 3 days', 3600],
    ['cleaner 20/hour x 3 hours', 6000],
    ['2 nights at the hostel 25 each', 5000],
    ['3 nights @ 70 a night', 21000],
    ['coffee 3.20 each for 4 of us', 1280],
  ])('%s', (text, amountMinor) => {
    expect(brief(text).map(([amount]) => amount)).toEqual([amountMinor]);
  });

  it('reads a cadence without a count as the price itself', () => {
    expect(brief('gym 30 a month')).toEqual([[3000, 'USD', 'health']]);
  });

  it('does not multiply by the people a room is for', () => {
    expect(brief('room 80 a night for 2 people').map(([amount]) => amount)).toEqual([8000]);
  });
});

describe('rules parser: words from other languages', () => {
  it.each<[string, Brief]>([
    ['Bäckerei 4,20 €', [420, 'EUR', 'groceries']],
    ['farmacia 9', [900, 'EUR', 'health']],
    ['courses 35 €', [3500, 'EUR', 'groceries']],
    ['Tankstelle 60 €', [6000, 'EUR', 'transport']],
    ['cena 35 con amigos', [3500, 'EUR', 'dining']],
    ['loyer 900 €', [90000, 'EUR', 'housing']],
    ['aluguel R$ 1500', [150000, 'BRL', 'housing']],
  ])('%s', (text, expected) => {
    expect(brief(text, 'EUR')).toEqual([expected]);
  });

  it('keeps "course" in English for education', () => {
    expect(brief('udemy course 12.99')).toEqual([[1299, 'USD', 'education']]);
  });

  it.each<[string, string]>([
    ['Kino 12 € gestern', '2026-11-23'],
    ['almuerzo 12 ayer', '2026-11-23'],
    ['resto 28 € hier', '2026-11-23'],
  ])('reads "yesterday" in %s', (text, occurredOn) => {
    expect(parseWithRules(request(text)).expenses.map((e) => e.occurredOn)).toEqual([occurredOn]);
  });
});

describe('rules parser: keywords that mislead and context that decides', () => {
  it.each<[string, string]>([
    ['vet bill 80', 'health'],
    ['restaurant bill 64', 'dining'],
    ['snacks at the gas station 7', 'dining'],
    ['gas station coffee 3', 'dining'],
    ['train station parking 12', 'transport'],
    ['uber to the airport 35', 'transport'],
    ['tip for the hairdresser 5', 'personal_care'],
    ['parking ticket 40', 'fees'],
    ['bus ticket 3', 'transport'],
  ])('%s is %s', (text, category) => {
    expect(brief(text).map(([, , found]) => found)).toEqual([category]);
  });
});

describe('rules parser: things the category list has no word for', () => {
  it.each<[string, string]>([
    ['car insurance 90', 'transport'],
    ['dog food 25', 'groceries'],
    ['vet 60', 'health'],
    ['daycare 400', 'education'],
    ['travel insurance 35', 'travel'],
  ])('%s lands in %s', (text, category) => {
    expect(brief(text).map(([, , found]) => found)).toEqual([category]);
  });
});

describe('rules parser: an amount with nothing known about it', () => {
  it.each(['bento 12', 'misc 20', '40', 'insurance 120'])(
    'records %s in other, as a guess with the text as description',
    (text) => {
      const [expense, ...rest] = parseWithRules(request(text)).expenses;
      expect(rest).toEqual([]);
      expect(expense).toMatchObject({
        category: 'other',
        description: text,
        guessed: true,
        parsedBy: 'rules',
      });
    },
  );

  it('does not call a keyword match a guess, but a generic word alone is one', () => {
    expect(parseWithRules(request('coffee 4')).expenses[0]?.guessed).toBe(false);
    expect(parseWithRules(request('bill 40')).expenses[0]).toMatchObject({
      category: 'utilities',
      guessed: true,
    });
  });

  it('keeps the other expenses of the message as they are', () => {
    expect(brief('thing for Alex 25 and coffee 4')).toEqual([
      [2500, 'USD', 'other'],
      [400, 'USD', 'dining'],
    ]);
  });
});

describe('rules parser: messages that clearly record no purchase', () => {
  it.each([
    'how much did I spend on coffee in the last 30 days?',
    'is 12 too much for lunch?',
    'remind me to pay rent 1200 on friday',
    "don't forget the 40 for the plumber",
    'got paid 2000 today',
  ])('%s', (text) => {
    const outcome = parseWithRules(request(text));
    expect(outcome.expenses).toEqual([]);
    expect(outcome.reason).toMatch(/not something you bought/);
  });
});
