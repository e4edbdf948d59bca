import { amount, count, gap, optionalWord, word, type Pattern } from '../patterns.ts';

/**
 * Phrases that multiply or share an amount. A quantity pattern captures a count and a price and
 * becomes one amount of count × price; a split pattern captures how many share the bill (or says
 * it, as "in half") and the user's expense becomes their share.
 */

const times = word('x', '×', '*', 'times');
const each = word('each', 'apiece', 'ea');

/**
 * What a price can be per ("80 a night", "2.50 an hour", "2 per kg", "20 per person"). Compared
 * without plural "s", so "nights" matches "night". A count multiplies a price only in the same
 * kind of unit: "80 a night for 2 nights" is 160, "80 a night for 2 people" is 80.
 */
const measureUnits = [
  'night',
  'day',
  'hour',
  'hr',
  'week',
  'month',
  'session',
  'lesson',
  'class',
  'classes',
  'kg',
  'kilo',
  'lb',
  'liter',
  'litre',
  'gallon',
];
const personUnits = ['person', 'people', 'head', 'guest'];
const perUnit = word('a', 'an', 'per', '/');

/** "room 80 a night for 2 nights", "12/day for 3 days", "€70/night, 3 nights" */
function pricePerUnitTimesCount(units: readonly string[]): Pattern {
  return {
    elements: [
      amount(),
      perUnit,
      word(...units),
      optionalWord(','),
      optionalWord('for', 'x', '×', '*', 'times'),
      count(1, maxQuantity),
      word(...units),
    ],
  };
}

/** Most items a message line plausibly buys at once; larger "counts" are amounts. */
const maxQuantity = 1000;

export const quantityPatterns: readonly Pattern[] = [
  // "2 x 12", "2 × $12", "3 times 4"
  { elements: [count(1, maxQuantity), times, amount()] },
  // "12 x 2", "$4 x3"
  { elements: [amount(), times, count(1, maxQuantity)] },
  // "3 at 4 each", "3 coffees at $4 each", "2 tickets for 15 each"
  { elements: [count(1, maxQuantity), gap(3), word('at', 'for', '@'), amount(), each] },
  // "3 coffees @ 4"
  {
    elements: [
      count(1, maxQuantity),
      gap(3),
      word('@'),
      amount(),
      optionalWord('each', 'apiece', 'ea'),
    ],
  },
  // "2 tickets 15 each", "2 nights at the hostel 25 each"
  { elements: [count(1, maxQuantity), gap(4), amount(), each] },
  pricePerUnitTimesCount(measureUnits),
  // "dinner 25 per person for 4 people"
  pricePerUnitTimesCount(personUnits),
  // "hotel 95 per night x 3": without the unit again, only a multiplication sign says it counts
  {
    elements: [
      amount(),
      perUnit,
      word(...measureUnits),
      word('x', '×', '*', 'times'),
      count(1, maxQuantity),
    ],
  },
  // "2 nights at 80", "3 nights @ €70 a night"
  {
    elements: [
      count(1, maxQuantity),
      word(...measureUnits),
      word('at', '@'),
      amount(),
      optionalWord('a', 'an', 'per', '/'),
      optionalWord(...measureUnits),
    ],
  },
  // "coffee 3.20 each for 4 of us", "tickets 12 each for 3 people"
  {
    elements: [
      amount(),
      each,
      word('for'),
      count(1, maxQuantity),
      optionalWord('of', 'people', 'persons'),
      optionalWord('us', 'them'),
    ],
  },
];

export interface SplitPattern extends Pattern {
  /** A fixed number of shares; otherwise the captured count. */
  readonly ways?: number;
}

const splitVerb = word('split', 'divided', 'shared', 'splitting');
const sharers = optionalWord('ways', 'way', 'people', 'persons');

/** Most people one bill is plausibly split between. */
const maxWays = 100;

export const splitPatterns: readonly SplitPattern[] = [
  // "split 4 ways", "split between 3", "divided by 2", "shared among 5 people"
  {
    elements: [
      splitVerb,
      optionalWord('in', 'into', 'between', 'among', 'by'),
      count(2, maxWays),
      sharers,
    ],
  },
  // "4 ways" on its own
  { elements: [count(2, maxWays), word('ways')] },
  // "split in half", "half each"
  { elements: [splitVerb, optionalWord('in'), word('half')], ways: 2 },
  { elements: [word('half'), each], ways: 2 },
];
