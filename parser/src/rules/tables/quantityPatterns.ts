import { amount, count, gap, optionalWord, word, type Pattern } from '../patterns.ts';

/**
 * Phrases that multiply or share an amount. A quantity pattern captures a count and a price and
 * becomes one amount of count × price; a split pattern captures how many share the bill (or says
 * it, as "in half") and the user's expense becomes their share.
 */

const times = word('x', '×', '*', 'times');
const each = word('each', 'apiece', 'ea');

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
  // "2 tickets 15 each"
  { elements: [count(1, maxQuantity), gap(3), amount(), each] },
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
